//! `tidings`: build, check and list a folder of Markdown digests.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tidings::site::{self, csv_field};
use tidings::{BundleOptions, Error, ItemPages, LoadOptions};

#[derive(Parser)]
#[command(
    name = "tidings",
    version,
    about = "Markdown news digests to a static, searchable viewer"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the bundle (and, with --shell, one page per route) into --out.
    Build {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// The app's built index.html, copied to every route with its own title.
        #[arg(long)]
        shell: Option<PathBuf>,
        /// Include digests marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Build the valid digests, list the invalid ones as skipped, exit 0.
        #[arg(long)]
        keep_going: bool,
        /// Print only errors.
        #[arg(long, short)]
        quiet: bool,
        /// One HTML page per item: auto keeps the site under 19,000 files.
        #[arg(long, value_enum, default_value_t = ItemPages::Auto)]
        item_pages: ItemPages,
        /// Print how long reading and writing took.
        #[arg(long)]
        timings: bool,
    },
    /// Read and validate every digest without writing anything.
    Check {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        #[arg(long)]
        drafts: bool,
    },
    /// Write N synthetic digests shaped like the seed (for benchmarks).
    #[command(hide = true)]
    Generate {
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Print one line per extracted item.
    List {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        #[arg(long)]
        drafts: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One JSON object per line.
    Json,
    Csv,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Content(errors)) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            let n = errors.len();
            eprintln!(
                "error: {n} problem{} in the content; nothing was written",
                if n == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Build {
            content,
            out,
            shell,
            drafts,
            keep_going,
            quiet,
            timings,
            item_pages,
        } => {
            let started = std::time::Instant::now();
            let shell = match &shell {
                Some(path) => {
                    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                        path: path.clone(),
                        source,
                    })?;
                    site::check_shell(path, &text)?;
                    Some(text)
                }
                None => None,
            };
            let options = LoadOptions {
                drafts,
                keep_going,
                progress: !quiet,
            };
            let site = tidings::load(&content, &options)?;
            let loaded = started.elapsed();
            for e in &site.skipped {
                eprintln!("error: {e}");
            }
            if !site.skipped.is_empty() {
                let files: std::collections::BTreeSet<_> =
                    site.skipped.iter().map(|e| &e.location.path).collect();
                eprintln!(
                    "tidings: skipped {} invalid file(s) (--keep-going):",
                    files.len()
                );
                for f in files {
                    eprintln!("  {}", f.display());
                }
            }
            if !quiet {
                print_warnings(&site.warnings);
            }
            let written =
                tidings::write(&site, &out, shell.as_deref(), &BundleOptions { item_pages })?;
            if timings {
                eprintln!(
                    "tidings: read+parse {loaded:.2?}, write {:.2?}",
                    started.elapsed() - loaded
                );
            }
            if !quiet {
                eprintln!(
                    "tidings: {} digests, {} items -> {} ({} files, {} kB) in {:.0?}",
                    written.digests,
                    written.items,
                    out.display(),
                    written.files,
                    written.bytes / 1024,
                    started.elapsed()
                );
            }
            Ok(())
        }
        Command::Check { content, drafts } => {
            let site = load_site(&content, drafts)?;
            print_warnings(&site.warnings);
            let items: usize = site.digests.iter().map(|d| d.digest.items.len()).sum();
            eprintln!(
                "tidings: {} digests, {items} items, no errors",
                site.digests.len()
            );
            Ok(())
        }
        Command::Generate { count, seed, out } => {
            let dir = out.join("posts");
            std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
                path: dir.clone(),
                source,
            })?;
            for i in 0..count {
                let (name, text) = tidings::synth::digest(seed, i);
                let path = dir.join(name);
                std::fs::write(&path, text).map_err(|source| Error::Write { path, source })?;
            }
            Ok(())
        }
        Command::List {
            content,
            format,
            drafts,
        } => {
            let site = load_site(&content, drafts)?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let io = |source| Error::Write {
                path: PathBuf::from("<stdout>"),
                source,
            };
            if matches!(format, Format::Csv) {
                writeln!(out, "digest,date,id,title,source,section,url").map_err(io)?;
            }
            for row in site::list(&site) {
                match format {
                    Format::Json => {
                        let line = serde_json::to_string(&row)
                            .map_err(|e| io(std::io::Error::other(e)))?;
                        writeln!(out, "{line}").map_err(io)?;
                    }
                    Format::Csv => writeln!(
                        out,
                        "{},{},{},{},{},{},{}",
                        csv_field(row.digest),
                        row.date,
                        row.id,
                        csv_field(row.title),
                        csv_field(row.source.unwrap_or_default()),
                        csv_field(row.section.unwrap_or_default()),
                        csv_field(&row.url)
                    )
                    .map_err(io)?,
                }
            }
            out.flush().map_err(io)?;
            Ok(())
        }
    }
}

/// Prints warnings, at most three per file, so a digest whose images were
/// not shipped does not bury everything else.
fn print_warnings(warnings: &[tidings::Warning]) {
    const PER_FILE: usize = 3;
    let mut i = 0;
    while i < warnings.len() {
        let path = &warnings[i].location.path;
        let same = warnings[i..]
            .iter()
            .take_while(|w| &w.location.path == path)
            .count();
        for w in &warnings[i..i + same.min(PER_FILE)] {
            eprintln!("warning: {w}");
        }
        if same > PER_FILE {
            eprintln!(
                "warning: {}: {} more warnings like these",
                path.display(),
                same - PER_FILE
            );
        }
        i += same;
    }
}

/// Reads a content folder; any invalid file fails the command.
fn load_site(content: &std::path::Path, drafts: bool) -> Result<tidings::Site, Error> {
    tidings::load(
        content,
        &LoadOptions {
            drafts,
            ..LoadOptions::default()
        },
    )
}
