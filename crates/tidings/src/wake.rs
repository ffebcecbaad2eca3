//! What wakes `tidings build --watch` when a file of the content folder
//! may have changed: on Linux the kernel's file events (inotify), so a
//! save is seen at once and an idle watcher reads no folder; elsewhere,
//! or where the folder gives no events, the watcher looks every so often
//! instead. Either way the watcher decides from its own look at the files
//! whether anything changed: an event only says when to look.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// File events of a content folder, gathered on a thread of their own.
pub struct Wake {
    events: mpsc::Receiver<()>,
    #[cfg(target_os = "linux")]
    folders: Folders,
}

/// The folders watched: every one under `content` but `out`.
#[cfg(target_os = "linux")]
#[derive(Clone)]
struct Folders {
    watches: inotify::Watches,
    content: std::path::PathBuf,
    out: std::path::PathBuf,
    mask: inotify::WatchMask,
}

#[cfg(target_os = "linux")]
impl Folders {
    /// Watches every folder (watching one twice is harmless); whether the
    /// content folder itself is watched.
    fn watch(&self) -> bool {
        watch_folders(
            &mut self.watches.clone(),
            &self.content,
            &self.out,
            self.mask,
        )
    }
}

impl Wake {
    /// Events of every folder under `content` but `out` (which the build
    /// writes), or `None` where the system gives none.
    #[cfg(target_os = "linux")]
    pub fn new(content: &Path, out: &Path) -> Option<Wake> {
        use inotify::{EventMask, Inotify, WatchMask};
        let mut inotify = Inotify::init().ok()?;
        let folders = Folders {
            watches: inotify.watches(),
            content: content.to_path_buf(),
            out: out.to_path_buf(),
            mask: WatchMask::MODIFY
                | WatchMask::CLOSE_WRITE
                | WatchMask::ATTRIB
                | WatchMask::CREATE
                | WatchMask::DELETE
                | WatchMask::MOVE
                | WatchMask::DELETE_SELF
                | WatchMask::MOVE_SELF,
        };
        if !folders.watch() {
            return None;
        }
        let (send, events) = mpsc::channel();
        let watched = folders.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 16 * 1024];
            loop {
                let Ok(read) = inotify.read_events_blocking(&mut buffer) else {
                    return;
                };
                let new_folder = read.into_iter().any(|e| {
                    e.mask.contains(EventMask::ISDIR)
                        && e.mask.intersects(EventMask::CREATE | EventMask::MOVED_TO)
                });
                if new_folder {
                    watched.watch();
                }
                if send.send(()).is_err() {
                    return;
                }
            }
        });
        Some(Wake { events, folders })
    }

    /// No file events here: the watcher looks every so often.
    #[cfg(not(target_os = "linux"))]
    pub fn new(_content: &Path, _out: &Path) -> Option<Wake> {
        None
    }

    /// Watches the folders under the content folder again: for a change
    /// seen without an event (the content folder itself made anew, say,
    /// whose new folder no watch covered).
    pub fn rewatch(&self) {
        #[cfg(target_os = "linux")]
        self.folders.watch();
    }

    /// Waits at most `timeout` for file events; whether any came (all
    /// that came are taken), or `None` once no more can come.
    pub fn wait(&self, timeout: Duration) -> Option<bool> {
        match self.events.recv_timeout(timeout) {
            Ok(()) => {
                while self.events.try_recv().is_ok() {}
                Some(true)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Some(false),
            Err(mpsc::RecvTimeoutError::Disconnected) => None,
        }
    }
}

/// Watches `dir` and every folder under it but `out`; whether `dir`
/// itself is watched.
#[cfg(target_os = "linux")]
fn watch_folders(
    watches: &mut inotify::Watches,
    dir: &Path,
    out: &Path,
    mask: inotify::WatchMask,
) -> bool {
    if dir.starts_with(out) || watches.add(dir, mask).is_err() {
        return false;
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                watch_folders(watches, &entry.path(), out, mask);
            }
        }
    }
    true
}
