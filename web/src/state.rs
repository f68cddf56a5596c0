//! The preview's state, split into narrow handles that components take from context: each
//! component asks only for what it reads or changes. All handles are `Copy` (signals inside).

use crate::model::{CompileOutput, ModuleHash};
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The origin stack being edited: files, the open tab, and the line a diagnostic pointed at.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub files: RwSignal<BTreeMap<String, String>>,
    pub active: RwSignal<Option<String>>,
    /// `(file, line)` to show and highlight in the editor, with a counter so that clicking the
    /// same diagnostic twice scrolls again.
    pub focus: RwSignal<Option<Focus>>,
    /// Bumped on every change; a change from typing is debounced, others compile at once.
    pub revision: RwSignal<Revision>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    pub file: String,
    pub line: u32,
    pub seq: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Revision {
    pub n: u64,
    pub typing: bool,
}

impl Origin {
    pub fn new() -> Self {
        Origin {
            files: RwSignal::new(BTreeMap::new()),
            active: RwSignal::new(None),
            focus: RwSignal::new(None),
            revision: RwSignal::new(Revision::default()),
        }
    }

    fn bump(&self, typing: bool) {
        self.revision.update(|r| {
            r.n += 1;
            r.typing = typing;
        });
    }

    /// Replaces the whole stack (an example, a dropped folder).
    pub fn replace(&self, files: BTreeMap<String, String>) {
        let first = preferred_tab(&files);
        self.files.set(files);
        self.active.set(first);
        self.focus.set(None);
        self.bump(false);
    }

    /// Adds or overwrites files (dropped or picked files); opens the first of them.
    pub fn merge(&self, files: Vec<(String, String)>) {
        let Some(first) = files.first().map(|(p, _)| p.clone()) else {
            return;
        };
        self.files.update(|f| f.extend(files));
        self.active.set(Some(first));
        self.bump(false);
    }

    /// The user typed in the open file.
    pub fn edit(&self, path: &str, text: String) {
        self.files.update(|f| {
            f.insert(path.to_string(), text);
        });
        self.bump(true);
    }

    /// Adds an empty file with a name not in use yet and opens it.
    pub fn add_new(&self) {
        let name = self.files.with_untracked(|f| {
            (0..)
                .map(|i| {
                    if i == 0 {
                        "new.tf".to_string()
                    } else {
                        format!("new-{i}.tf")
                    }
                })
                .find(|n| !f.contains_key(n))
                .unwrap_or_default()
        });
        self.files.update(|f| {
            f.insert(name.clone(), String::new());
        });
        self.active.set(Some(name));
        self.bump(false);
    }

    pub fn rename(&self, from: &str, to: &str) {
        let to = to.trim().trim_start_matches('/').to_string();
        if to.is_empty() || to == from {
            return;
        }
        self.files.update(|f| {
            if let Some(text) = f.remove(from) {
                f.insert(to.clone(), text);
            }
        });
        self.active.set(Some(to));
        self.bump(false);
    }

    pub fn remove(&self, path: &str) {
        self.files.update(|f| {
            f.remove(path);
        });
        if self.active.get_untracked().as_deref() == Some(path) {
            let next = self.files.with_untracked(preferred_tab);
            self.active.set(next);
        }
        self.bump(false);
    }

    /// Opens `file` and scrolls to and highlights `line` (a clicked diagnostic or resource).
    pub fn open_at(&self, file: &str, line: u32) {
        if !self.files.with_untracked(|f| f.contains_key(file)) {
            return;
        }
        self.active.set(Some(file.to_string()));
        let seq = self
            .focus
            .with_untracked(|f| f.as_ref().map_or(0, |f| f.seq + 1));
        self.focus.set(Some(Focus {
            file: file.to_string(),
            line,
            seq,
        }));
    }
}

impl Default for Origin {
    fn default() -> Self {
        Self::new()
    }
}

/// `main.tf` if there is one, else the first file.
pub fn preferred_tab(files: &BTreeMap<String, String>) -> Option<String> {
    if files.contains_key("main.tf") {
        return Some("main.tf".into());
    }
    files.keys().next().cloned()
}

/// Compile options the user can set.
#[derive(Debug, Clone, Copy)]
pub struct CompileOptions {
    pub instance_id: RwSignal<String>,
}

/// Where the compiler stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Loading compiler.wasm.
    Loading,
    /// Waiting for typing to pause, or a compile in the worker.
    Compiling,
    /// The shown preview is of the current files.
    Done { ms: f64 },
    /// The module could not load, trapped, or answered with an error.
    Failed(String),
}

/// The latest compile result and the compiler's state.
#[derive(Debug, Clone, Copy)]
pub struct Preview {
    pub output: RwSignal<Option<Arc<CompileOutput>>>,
    pub status: RwSignal<Status>,
    /// Milliseconds from navigation start to the first rendered preview.
    pub first_preview_ms: RwSignal<Option<f64>>,
    /// The open tab of the deployment stack.
    pub stack_tab: RwSignal<Option<String>>,
}

/// The report row whose origin and targets are shown side by side.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    pub resource: RwSignal<Option<String>>,
}

/// The compiler module's SHA-256 as the browser computed it and as the server reports it.
#[derive(Debug, Clone, Copy)]
pub struct ModuleInfo {
    pub browser: RwSignal<ModuleHash>,
    pub server: RwSignal<ModuleHash>,
}

pub fn provide_all() {
    provide_context(Origin::new());
    provide_context(CompileOptions {
        instance_id: RwSignal::new(String::new()),
    });
    provide_context(Preview {
        output: RwSignal::new(None),
        status: RwSignal::new(Status::Loading),
        first_preview_ms: RwSignal::new(None),
        stack_tab: RwSignal::new(None),
    });
    provide_context(Selection {
        resource: RwSignal::new(None),
    });
    provide_context(ModuleInfo {
        browser: RwSignal::new(ModuleHash::Pending),
        server: RwSignal::new(ModuleHash::Pending),
    });
}
