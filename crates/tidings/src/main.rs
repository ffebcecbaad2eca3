//! `tidings`: build, check and list a folder of Markdown digests.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tidings::list::csv_field;
use tidings::pages::Shell;
use tidings::{BundleOptions, Error, ItemPages, LoadOptions};

// The build allocates a small string or vector per token, link and item on
// every core; mimalloc's thread-local free lists serve that faster than the
// system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keeps the memory the build frees for the build's own later use.
/// mimalloc hands freed memory back to the kernel a second after it is
/// freed (`madvise(MADV_DONTNEED)`, which also splits the transparent
/// huge pages it asked for), and a build frees each phase's memory
/// shortly before the next phase needs as much again: a clean
/// 10,000-digest build handed back 398 MiB in 1,152 calls, and the kernel
/// zeroed each such page a second time when the build touched it again.
/// Four such builds alternating with four that hand nothing back:
/// 2.50-3.07 s (1.1-2.2 s of it in the kernel) against 1.96-2.30 s
/// (0.40-0.89 s), peaks 685-710 MiB against 695-718 MiB; a rebuild after
/// one edit was no slower. A `--watch` process keeps its largest build's
/// memory until it ends, as its next build needs it again.
fn keep_freed_memory() {
    // mimalloc's `mi_option_purge_delay`, option 15 in its v2 and v3
    // headers alike; -1 never purges. Set only if option 15 holds one of
    // the purge delay's defaults (1,000 ms in v3, which the crate builds;
    // 10 ms in v2): any other number there means another option (a
    // mimalloc whose options moved) or a delay the user set with
    // MIMALLOC_PURGE_DELAY, and is left as it is.
    const PURGE_DELAY: std::ffi::c_int = 15;
    #[allow(unsafe_code)]
    // SAFETY: `mi_option_get` and `mi_option_set` take an option number
    // (and a value) and have no other preconditions; this runs before the
    // build starts any thread.
    unsafe {
        if matches!(mi_option_get(PURGE_DELAY), 10 | 1000) {
            mi_option_set(PURGE_DELAY, -1);
        }
    }
}

extern "C" {
    // From the mimalloc library the `mimalloc` crate links.
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

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

/// Where the digests are.
#[derive(Args)]
struct Input {
    /// A folder of digests, or a Hugo site's root (read as Hugo reads it).
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// Take only this folder of the content (a Hugo section: `posts`).
    #[arg(long)]
    section: Option<String>,
    /// Include digests marked `draft = true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Write the bundle (and, with --shell, one page per route) into --out.
    Build {
        #[command(flatten)]
        input: Input,
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// A site about to be replaced (Trunk's output): files the same in
        /// it are hard-linked into --out, not written again. Files --out
        /// already has, byte for byte, are always left in place.
        #[arg(long, value_name = "DIR")]
        reuse: Option<PathBuf>,
        /// Keep parsed digests in DIR, keyed by each file's content, so a
        /// rebuild parses only the files that changed.
        #[arg(long, value_name = "DIR")]
        cache: Option<PathBuf>,
        /// The app's built index.html, copied to every route with its own title.
        #[arg(long)]
        shell: Option<PathBuf>,
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
        /// Write no full-text index (search then matches titles, summaries
        /// and tags).
        #[arg(long)]
        no_search: bool,
        /// The site's absolute address, may include a path (over `[site]
        /// base_url`; for preview deploys).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// The site's title (over `[site] title`).
        #[arg(long)]
        title: Option<String>,
        /// The site's language, `zh` or `en` (over `[site] language`).
        #[arg(long)]
        language: Option<String>,
        /// Pages reload themselves when a rebuild changes the site (for a
        /// site served while it is written, as `make serve` does).
        #[arg(long)]
        reload: bool,
        /// After building, build again whenever a file under --content
        /// changes, until stopped. A failed rebuild is reported and the
        /// previous output kept.
        #[arg(long)]
        watch: bool,
    },
    /// Read and validate every digest without writing anything.
    Check {
        #[command(flatten)]
        input: Input,
        /// Print the structure found in this file and why: the heading
        /// levels considered, the items, what was kept out of them.
        #[arg(long, value_name = "FILE")]
        explain: Option<PathBuf>,
    },
    /// Write N synthetic digests shaped like the seed (for benchmarks).
    #[command(hide = true)]
    Generate {
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Send three links in ten to a long tail of this many more
        /// sources (without it, all go to eight).
        #[arg(long, default_value_t = 0)]
        tail_sources: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the slow-to-parse worst cases (for benchmarks): one folder
    /// per case under OUT, each with one digest of about BYTES bytes.
    #[command(hide = true)]
    GenerateWorst {
        #[arg(long)]
        bytes: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// Give the release app's wasm imports and exports short names, in
    /// the wasm and its JavaScript glue, and write their `integrity`
    /// attributes in the shell again (`scripts/bundle.sh`).
    #[command(hide = true)]
    ShortenGlue {
        #[arg(long)]
        wasm: PathBuf,
        #[arg(long)]
        js: PathBuf,
        #[arg(long)]
        shell: PathBuf,
    },
    /// Print one line per extracted item, with the URL a build gives it.
    List {
        #[command(flatten)]
        input: Input,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// As for build: the item-page mode the URLs follow.
        #[arg(long, value_enum, default_value_t = ItemPages::Auto)]
        item_pages: ItemPages,
        /// As for build: the app files beside it count against the budget.
        #[arg(long)]
        shell: Option<PathBuf>,
    },
    /// Print the bundle's paths and the app's URLs as JSON templates.
    #[command(hide = true)]
    Scheme,
    /// Compare a built site's search index with an exact scan, on queries
    /// drawn from the corpus; JSON for `make bench-search`.
    #[command(hide = true)]
    SearchBench {
        #[command(flatten)]
        input: Input,
        /// The site built from it.
        #[arg(long)]
        site: PathBuf,
        #[arg(long, default_value_t = 240)]
        queries: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One JSON object per line.
    Json,
    Csv,
}

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = Cli::parse();
    let building = matches!(cli.command, Command::Build { .. });
    let result = match cli.command {
        Command::Build {
            input,
            out,
            reuse,
            cache,
            shell,
            keep_going,
            quiet,
            timings,
            item_pages,
            no_search,
            base_url,
            title,
            language,
            reload,
            watch,
        } => build_or_watch(&BuildArgs {
            content: input.content,
            out,
            reuse,
            shell,
            load: LoadOptions {
                drafts: input.drafts,
                keep_going,
                progress: !quiet,
                section: input.section,
                site: tidings::config::SiteSettings {
                    base_url,
                    title,
                    language,
                    ..Default::default()
                },
                cache,
            },
            quiet,
            timings,
            item_pages,
            no_search,
            reload,
            watch,
        }),
        Command::Check {
            input,
            explain: Some(file),
        } => explain(&input, &file),
        Command::Check { input, .. } => check(&input),
        Command::Generate {
            count,
            seed,
            tail_sources,
            out,
        } => generate(count, seed, tail_sources, &out),
        Command::GenerateWorst { bytes, out } => generate_worst(bytes, &out),
        Command::ShortenGlue { wasm, js, shell } => shorten_glue(&wasm, &js, &shell),
        Command::SearchBench {
            input,
            site,
            queries,
            seed,
        } => search_bench(&input, &site, queries, seed),
        Command::List {
            input,
            format,
            item_pages,
            shell,
        } => list(&input, format, item_pages, shell.as_deref()),
        Command::Scheme => scheme(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e, building);
            ExitCode::FAILURE
        }
    }
}

/// Prints an error once, a line per problem; a failed build adds that it
/// wrote nothing (see `tidings::output`), unless it failed while moving
/// its finished files into place, which its message says.
fn report(error: &Error, building: bool) {
    let text = error.to_string();
    let mut lines = text.lines().peekable();
    // A failure while moving a finished build into place says what it left.
    let nothing_written = building && !matches!(error, Error::Commit { .. });
    while let Some(line) = lines.next() {
        if lines.peek().is_none() && nothing_written {
            eprintln!("error: {line}; nothing was written");
        } else {
            eprintln!("error: {line}");
        }
    }
}

struct BuildArgs {
    content: PathBuf,
    out: PathBuf,
    reuse: Option<PathBuf>,
    shell: Option<PathBuf>,
    load: LoadOptions,
    quiet: bool,
    timings: bool,
    item_pages: ItemPages,
    no_search: bool,
    reload: bool,
    watch: bool,
}

/// Builds once, or with `--watch` builds again after every change.
fn build_or_watch(args: &BuildArgs) -> Result<(), Error> {
    if !args.watch {
        return build(args, None, None);
    }
    // Digests of files unchanged since the last build are not read again.
    let memo = tidings::Memo::default();
    let mut printed = Printed::default();
    // Both as absolute paths, so that `--content . --out dist` leaves the
    // output out of what is watched (`./dist` does not start with `dist`).
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (content, out) = (absolute(&args.content), absolute(&args.out));
    let snapshot = || snapshot(&content, &out);
    let mut seen = snapshot();
    // File events wake the watcher at once; without them (or should they
    // stop) it looks every WATCH_EVERY, and with them still every
    // WATCH_UNWOKEN, for changes no event told of.
    let mut wake = tidings::Wake::new(&content, &out);
    if let Err(e) = build(args, Some(&memo), Some(&mut printed)) {
        report(&e, true);
    }
    let mut pause = WATCH_EVERY;
    loop {
        let woken = match wake.as_ref().map(|w| w.wait(pause.max(WATCH_UNWOKEN))) {
            Some(Some(woken)) => woken,
            Some(None) => {
                wake = None;
                false
            }
            None => {
                std::thread::sleep(pause);
                false
            }
        };
        // An editor may write a file in several steps: give the last one
        // a moment to land (a later one is seen at the next look).
        if woken {
            std::thread::sleep(WATCH_SETTLE);
        }
        let looking = std::time::Instant::now();
        let now = snapshot();
        // A look costs a stat per file (~30 ms at 10,000 digests, which
        // kept a third of a core busy while idle): looks are spaced so
        // that they take at most a tenth of one.
        pause = WATCH_EVERY.max(looking.elapsed() * 9);
        if now == seen {
            continue;
        }
        if !woken {
            // A change no event told of: some folder is not watched.
            if let Some(wake) = &wake {
                wake.rewatch();
            }
            std::thread::sleep(WATCH_SETTLE);
        }
        seen = if woken { now } else { snapshot() };
        if let Err(e) = build(args, Some(&memo), Some(&mut printed)) {
            report(&e, true);
        }
    }
}

/// How often `--watch` looks at the files (at most: see the loop), and
/// how long they must stand still after a change before it builds.
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(100);
const WATCH_UNWOKEN: std::time::Duration = std::time::Duration::from_secs(2);
const WATCH_SETTLE: std::time::Duration = std::time::Duration::from_millis(50);

/// Every file under `content` with its size and modification time,
/// sorted: two equal snapshots mean nothing changed. (Not those under
/// `skip`, the output folder, should it lie inside the content: the build
/// writes those; nor the shell, a new app being Trunk's to rebuild.)
fn snapshot(content: &Path, skip: &Path) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut out = Vec::new();
    if content.starts_with(skip) {
        return out;
    }
    let mut stack = vec![content.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // Asked of the entry, so the kernel does not walk the whole
            // path again for each of 10,000 files (a link is followed,
            // as the build follows it).
            let meta = match entry.file_type() {
                Ok(kind) if !kind.is_symlink() => entry.metadata(),
                _ => std::fs::metadata(&path),
            };
            let Ok(meta) = meta else {
                continue;
            };
            if meta.is_dir() {
                if !path.starts_with(skip) {
                    stack.push(path);
                }
            } else {
                out.push((path, meta.len(), meta.modified().ok()));
            }
        }
    }
    // Only equality matters: byte order is cheaper than by components.
    out.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    out
}

fn build(
    args: &BuildArgs,
    memo: Option<&tidings::Memo>,
    printed: Option<&mut Printed>,
) -> Result<(), Error> {
    let started = std::time::Instant::now();
    let shell = args.shell.as_deref().map(Shell::read).transpose()?;
    let app_files = shell.as_ref().map_or(0, |s| s.app_files);
    let site = tidings::load_with(&args.content, &args.load, memo)?;
    let loaded = started.elapsed();
    print_skipped(&site.skipped);
    if !args.quiet {
        print_warnings(&site.warnings(), printed);
    }
    let options = BundleOptions {
        item_pages: args.item_pages,
        app_files,
        no_search: args.no_search,
        reload: args.reload,
        ..BundleOptions::default()
    };
    let written = tidings::write(
        &site,
        &args.out,
        shell.as_ref(),
        &options,
        args.reuse.as_deref(),
    )?;
    if args.timings {
        let spliced = written
            .index_fresh_terms
            .map(|n| format!(", {n} terms encoded again"))
            .unwrap_or_default();
        let (seen, listed) = written.folders;
        eprintln!(
            "tidings: read+parse {loaded:.2?} ({} files from the cache, {} of them not read again), write {:.2?} (search index {:.2?} of it{spliced}; {listed} of {seen} folders listed)",
            site.cached,
            site.unread,
            started.elapsed() - loaded,
            written.index_time
        );
    }
    if let Some(warning) = &written.cache_warning {
        eprintln!(
            "warning: {warning}; the site was written, the cache folder not brought up to date"
        );
    }
    if !args.quiet {
        eprintln!(
            "tidings: {} digests, {} items -> {} ({} files, {} kB; {} unchanged) in {:.0?}",
            written.digests,
            written.items,
            args.out.display(),
            written.files,
            written.bytes / 1024,
            written.reused,
            started.elapsed()
        );
    }
    match memo {
        Some(memo) => memo.keep(site.digests),
        // A one-shot build ends here and the process with it: its digests
        // go back to the system with the process, not freed allocation
        // by allocation on one thread (3% of a one-edit rebuild's samples
        // at 10,000 digests).
        None => std::mem::forget(site),
    }
    Ok(())
}

/// With `--keep-going`: every problem, then the files left out.
fn print_skipped(skipped: &[tidings::ContentError]) {
    if skipped.is_empty() {
        return;
    }
    for e in skipped {
        eprintln!("error: {e}");
    }
    let files: std::collections::BTreeSet<_> = skipped.iter().map(|e| &e.location.path).collect();
    eprintln!(
        "tidings: skipped {} invalid file(s) (--keep-going):",
        files.len()
    );
    for f in files {
        eprintln!("  {}", f.display());
    }
}

fn check(input: &Input) -> Result<(), Error> {
    let site = load_site(input)?;
    print_warnings(&site.warnings(), None);
    let items: usize = site.digests.iter().map(|d| d.digest.items.len()).sum();
    eprintln!(
        "tidings: {} digests, {items} items, no errors",
        site.digests.len()
    );
    Ok(())
}

fn generate(count: usize, seed: u64, tail_sources: usize, out: &Path) -> Result<(), Error> {
    let dir = out.join("posts");
    std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
        path: dir.clone(),
        source,
    })?;
    let lexicon = tidings::synth::Lexicon::new(seed).with_tail_sources(tail_sources);
    for i in 0..count {
        let (name, text) = tidings::synth::digest_with(seed, i, &lexicon);
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|source| Error::Write { path, source })?;
    }
    Ok(())
}

fn shorten_glue(wasm: &Path, js: &Path, shell: &Path) -> Result<(), Error> {
    let r = tidings::glue::shorten_files(wasm, js, shell)?;
    eprintln!(
        "tidings: glue names shortened: {} of {} imports, {} of {} exports",
        r.imports,
        r.imports + r.imports_kept,
        r.exports,
        r.exports + r.exports_kept
    );
    Ok(())
}

fn generate_worst(bytes: usize, out: &Path) -> Result<(), Error> {
    for (name, text) in tidings::synth::worst_cases(bytes) {
        let dir = out.join(name);
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        let path = dir.join(format!("{name}.md"));
        std::fs::write(&path, text).map_err(|source| Error::Write { path, source })?;
    }
    Ok(())
}

fn search_bench(input: &Input, built: &Path, queries: usize, seed: u64) -> Result<(), Error> {
    let site = load_site(input)?;
    let report = tidings::searchbench::run(&site, built, queries, seed)?;
    println!(
        "{}",
        serde_json::to_string(&report).map_err(|e| Error::Serialize {
            path: "search-bench report".into(),
            message: e.to_string(),
        })?
    );
    Ok(())
}

fn explain(input: &Input, file: &Path) -> Result<(), Error> {
    let text = tidings::explain::explain(&input.content, input.section.as_deref(), file)?;
    print!("{text}");
    Ok(())
}

fn list(
    input: &Input,
    format: Format,
    item_pages: ItemPages,
    shell: Option<&Path>,
) -> Result<(), Error> {
    let site = load_site(input)?;
    let app_files = match shell {
        Some(path) => Shell::read(path)?.app_files,
        None => 0,
    };
    let options = BundleOptions {
        item_pages,
        app_files,
        ..BundleOptions::default()
    }
    .for_site(&site.info()?, shell.is_some());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let io = |source| Error::Write {
        path: PathBuf::from("<stdout>"),
        source,
    };
    if matches!(format, Format::Csv) {
        writeln!(out, "digest,date,id,title,source,section,url").map_err(io)?;
    }
    for row in tidings::list::list(&site, &options) {
        let line = match format {
            Format::Json => {
                serde_json::to_string(&row).map_err(|e| io(std::io::Error::other(e)))?
            }
            Format::Csv => [
                csv_field(row.digest),
                row.date.to_string(),
                row.id.to_string(),
                csv_field(row.title),
                csv_field(row.source.unwrap_or_default()),
                csv_field(row.section.unwrap_or_default()),
                csv_field(&row.url),
            ]
            .join(","),
        };
        writeln!(out, "{line}").map_err(io)?;
    }
    out.flush().map_err(io)
}

/// The bundle's paths and the app's URLs as one JSON object of templates,
/// for the JavaScript tests and benchmarks.
/// Also the interface strings of each language (`text.zh`, `text.en`), the
/// site-settings meta tag's name, the bundle's format version and how many
/// terms the box of every term shows at once.
fn scheme() -> Result<(), Error> {
    use tidings_model::i18n::Text;
    use tidings_model::site::{Lang, META_NAME};
    let mut map: serde_json::Map<String, serde_json::Value> = tidings_model::layout::describe()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into()))
        .collect();
    let text: serde_json::Map<String, serde_json::Value> = Lang::ALL
        .into_iter()
        .map(|lang| {
            let table: serde_json::Map<String, serde_json::Value> = Text::of(lang)
                .describe()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.into()))
                .collect();
            (lang.tag().to_string(), table.into())
        })
        .collect();
    map.insert("text".into(), text.into());
    map.insert("site_meta".into(), META_NAME.into());
    map.insert("schema".into(), tidings_model::SCHEMA_VERSION.into());
    map.insert(
        "found_shown".into(),
        tidings_model::query::FOUND_SHOWN.into(),
    );
    println!("{}", serde_json::Value::Object(map));
    Ok(())
}

/// The warnings `build --watch` has printed, by file: a rebuild prints a
/// file's warnings only when they differ from those printed for it last.
#[derive(Default)]
struct Printed(std::collections::HashMap<PathBuf, Vec<tidings::Warning>>);

/// Prints warnings, at most three per file, so a digest whose images were
/// not shipped does not bury everything else; with `printed` (under
/// `--watch`), not those of files whose warnings were printed the same
/// before, which one line counts. All in one write: a site with tens of
/// thousands of warnings spent a fifth of each watched rebuild on a
/// write per line.
fn print_warnings(warnings: &[&tidings::Warning], mut printed: Option<&mut Printed>) {
    use std::fmt::Write as _;
    const PER_FILE: usize = 3;
    let mut text = String::new();
    let mut kept = std::collections::HashMap::new();
    let (mut held_files, mut held_warnings) = (0usize, 0usize);
    for group in warnings.chunk_by(|a, b| a.location.path == b.location.path) {
        let path = &group[0].location.path;
        if let Some(printed) = printed.as_deref_mut() {
            let before = printed.0.remove(path);
            let same = before
                .as_ref()
                .is_some_and(|b| b.iter().eq(group.iter().copied()));
            kept.insert(
                path.clone(),
                (before.filter(|_| same))
                    .unwrap_or_else(|| group.iter().map(|&w| w.clone()).collect()),
            );
            if same {
                held_files += 1;
                held_warnings += group.len();
                continue;
            }
        }
        for w in &group[..group.len().min(PER_FILE)] {
            _ = writeln!(text, "warning: {w}");
        }
        if group.len() > PER_FILE {
            _ = writeln!(
                text,
                "warning: {}: {} more warnings like these",
                path.display(),
                group.len() - PER_FILE
            );
        }
    }
    if held_files > 0 {
        _ = writeln!(
            text,
            "tidings: {held_warnings} warning(s) of {held_files} file(s) not repeated: printed before, unchanged since"
        );
    }
    if let Some(printed) = printed {
        printed.0 = kept;
    }
    _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Reads a content folder; any invalid file fails the command.
fn load_site(input: &Input) -> Result<tidings::Site, Error> {
    tidings::load(
        &input.content,
        &LoadOptions {
            drafts: input.drafts,
            section: input.section.clone(),
            ..LoadOptions::default()
        },
    )
}
