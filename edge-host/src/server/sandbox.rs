//! The compiler sandbox: compiler.wasm (DESIGN §4) run in wasmtime.
//!
//! * One [`Engine`] with the pooling allocator; the module is compiled once, at startup, and
//!   validated: no imports, exactly the ABI exports with their signatures, the ABI version this
//!   host speaks. A module that fails any check is refused with an error naming the problem.
//! * Per request: a fresh [`Store`] from an [`InstancePre`] (nothing is shared between requests),
//!   a memory cap enforced by a [`ResourceLimiter`], an epoch deadline (a ticker thread bumps the
//!   engine's epoch) and optionally a fuel budget.
//! * The guest's answer is untrusted: its pointer and length must lie inside the guest's memory,
//!   it must be no larger than [`GuestLimits::max_response_bytes`], and it must be JSON.
//!
//! [`Sandbox::compile`] blocks; the HTTP layer runs it on tokio's blocking pool.

use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use wasmtime::{
    Config, Engine, ExternType, InstanceAllocationStrategy, InstancePre, Linker, Module,
    ModuleExport, PoolConcurrencyLimitError, PoolingAllocationConfig, ResourceLimiter, Store, Trap,
    ValType,
};

/// How often the epoch ticker thread advances the engine's epoch: the granularity of deadlines.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Bytes of each pooled linear memory kept resident between requests.
const KEEP_RESIDENT: usize = 16 << 20;

/// Exports a host-compatible module must have (DESIGN §4), besides `memory`.
const FUNCTIONS: &[(&str, &[ValType], &[ValType])] = &[
    ("ferry_abi_version", &[], &[ValType::I32]),
    ("ferry_alloc", &[ValType::I32], &[ValType::I32]),
    ("ferry_free", &[ValType::I32, ValType::I32], &[]),
    (
        "ferry_compile",
        &[ValType::I32, ValType::I32],
        &[ValType::I64],
    ),
];

/// Globals that wasm-ld exports from every Rust `cdylib`; harmless, tolerated.
const LINKER_GLOBALS: &[&str] = &["__data_end", "__heap_base"];

/// What one guest run may cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestLimits {
    /// Linear memory cap (bytes). Growth beyond it fails inside the guest, which then traps.
    pub max_memory_bytes: usize,
    /// Wall-clock budget of one compile (instantiation included), enforced with epochs.
    pub deadline: Duration,
    /// Optional fuel budget (roughly: wasm instructions). `None` disables fuel metering, which
    /// is faster; the epoch deadline still bounds the run.
    pub fuel: Option<u64>,
    /// Largest request the host hands to the guest.
    pub max_request_bytes: usize,
    /// Largest response the host accepts from the guest.
    pub max_response_bytes: usize,
    /// Guest instances that can be alive at once (pooling allocator slots). Requests beyond it
    /// get [`SandboxError::Busy`].
    pub max_instances: u32,
}

impl Default for GuestLimits {
    fn default() -> Self {
        Self {
            max_memory_bytes: 256 << 20,
            deadline: Duration::from_secs(2),
            fuel: None,
            max_request_bytes: 8 << 20,
            max_response_bytes: 64 << 20,
            max_instances: 64,
        }
    }
}

/// Why a module was refused at startup.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot set up the wasm engine: {0}")]
    Engine(String),
    #[error("compiler.wasm is not a valid WebAssembly module: {0}")]
    Invalid(String),
    #[error(
        "compiler.wasm must have no imports (DESIGN §4), but it imports: {}",
        .0.join(", ")
    )]
    Imports(Vec<String>),
    #[error("compiler.wasm lacks the export `{0}` (DESIGN §4)")]
    MissingExport(&'static str),
    #[error("compiler.wasm export `{name}` has the wrong type: expected {expected}, found {found}")]
    WrongExportType {
        name: &'static str,
        expected: String,
        found: String,
    },
    #[error("compiler.wasm has exports outside the ABI (DESIGN §4): {}", .0.join(", "))]
    ExtraExports(Vec<String>),
    #[error(
        "compiler.wasm speaks ABI version {found}, this host speaks {expected}: rebuild the module and the host from the same commit"
    )]
    AbiMismatch { found: i32, expected: i32 },
    #[error("compiler.wasm failed its start-up check: {0}")]
    Startup(String),
}

/// Why one compile did not produce an answer. The server keeps serving in every case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SandboxError {
    #[error("the compile ran past its deadline of {} ms", .0.as_millis())]
    Timeout(Duration),
    #[error("the compile used up its fuel budget of {0}")]
    OutOfFuel(u64),
    #[error("the compile needed more than the memory cap of {} MiB", .0 >> 20)]
    OutOfMemory(usize),
    #[error("the compiler module trapped: {0}")]
    Trap(String),
    #[error("the request is {len} bytes; the compiler accepts at most {max}")]
    RequestTooLarge { len: usize, max: usize },
    #[error("the compiler module gave an invalid answer: {0}")]
    BadResponse(String),
    #[error("all {0} compiler instances are busy")]
    Busy(u32),
    #[error("sandbox failure: {0}")]
    Internal(String),
}

/// What a guest run cost, reported with every outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    pub guest_time: Duration,
    /// Fuel consumed, when fuel metering is on.
    pub fuel: Option<u64>,
    /// The largest size the guest's linear memory reached (bytes; 0 when no instance ran).
    pub memory_peak: usize,
}

/// Store data: the per-request resource limiter.
struct Guest {
    max_memory: usize,
    memory_denied: bool,
    memory_peak: usize,
}

impl ResourceLimiter for Guest {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_memory {
            self.memory_denied = true;
            return Ok(false);
        }
        self.memory_peak = self.memory_peak.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }

    fn instances(&self) -> usize {
        1
    }
    fn tables(&self) -> usize {
        1
    }
    fn memories(&self) -> usize {
        1
    }
}

struct Exports {
    memory: ModuleExport,
    alloc: ModuleExport,
    compile: ModuleExport,
}

/// compiler.wasm, compiled and ready to instantiate. Cheap to share (`Arc` inside).
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    pre: InstancePre<Guest>,
    exports: Exports,
    limits: GuestLimits,
    deadline_ticks: u64,
    bytes: Arc<[u8]>,
    sha256: String,
    abi_version: i32,
    _ticker: Ticker,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("sha256", &self.inner.sha256)
            .field("abi_version", &self.inner.abi_version)
            .field("limits", &self.inner.limits)
            .finish_non_exhaustive()
    }
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until dropped.
struct Ticker {
    stop: Arc<AtomicBool>,
}

impl Ticker {
    fn start(engine: &Engine) -> Result<Self, LoadError> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        // A weak handle: the thread must not keep the engine alive.
        let engine = engine.weak();
        std::thread::Builder::new()
            .name("ferry-epoch".into())
            .spawn(move || {
                // The epoch follows the wall clock, not the number of wake-ups: a ticker that
                // is scheduled late (a busy machine) catches up instead of stretching deadlines.
                let start = Instant::now();
                let tick = EPOCH_TICK.as_micros().max(1);
                let mut epoch: u128 = 0;
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    let Some(e) = engine.upgrade() else { break };
                    let due = start.elapsed().as_micros() / tick;
                    while epoch < due {
                        e.increment_epoch();
                        epoch += 1;
                    }
                }
            })
            .map_err(|e| LoadError::Engine(format!("cannot start the epoch thread: {e}")))?;
        Ok(Self { stop })
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
    }
    s
}

impl Sandbox {
    /// Compiles and validates `bytes` (compiler.wasm). Refuses a module that is not exactly the
    /// DESIGN §4 ABI at the version this host speaks.
    pub fn new(bytes: impl Into<Arc<[u8]>>, limits: GuestLimits) -> Result<Self, LoadError> {
        let bytes: Arc<[u8]> = bytes.into();
        let engine = engine(&limits)?;
        let module = Module::new(&engine, &bytes).map_err(|e| LoadError::Invalid(e.to_string()))?;
        let exports = validate(&module)?;
        let linker = Linker::<Guest>::new(&engine);
        let pre = linker
            .instantiate_pre(&module)
            .map_err(|e| LoadError::Invalid(e.to_string()))?;
        let ticker = Ticker::start(&engine)?;
        let tick = EPOCH_TICK.as_micros().max(1);
        let deadline_ticks = u64::try_from(limits.deadline.as_micros().div_ceil(tick))
            .unwrap_or(u64::MAX)
            .max(1);
        let sha256 = sha256_hex(&bytes);
        let mut inner = Inner {
            engine,
            pre,
            exports,
            limits,
            deadline_ticks,
            bytes,
            sha256,
            abi_version: 0,
            _ticker: ticker,
        };
        let found = inner.abi_version_of_module()?;
        if found != ferry_compiler_wasm::ABI_VERSION {
            return Err(LoadError::AbiMismatch {
                found,
                expected: ferry_compiler_wasm::ABI_VERSION,
            });
        }
        inner.abi_version = found;
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The module's bytes, exactly as run.
    pub fn bytes(&self) -> &Arc<[u8]> {
        &self.inner.bytes
    }

    pub fn sha256(&self) -> &str {
        &self.inner.sha256
    }

    pub fn abi_version(&self) -> i32 {
        self.inner.abi_version
    }

    pub fn limits(&self) -> &GuestLimits {
        &self.inner.limits
    }

    /// Runs one compile: request JSON in, the guest's response JSON out (validated as JSON,
    /// otherwise untouched). Blocks for at most about [`GuestLimits::deadline`].
    pub fn compile(&self, request: &[u8]) -> (Result<Vec<u8>, SandboxError>, RunStats) {
        self.inner.compile(request)
    }
}

impl Inner {
    fn store(&self) -> Store<Guest> {
        let limits = &self.limits;
        let mut store = Store::new(
            &self.engine,
            Guest {
                max_memory: limits.max_memory_bytes,
                memory_denied: false,
                memory_peak: 0,
            },
        );
        store.limiter(|g| g);
        store.set_epoch_deadline(self.deadline_ticks);
        store.epoch_deadline_trap();
        if let Some(fuel) = limits.fuel {
            // Cannot fail: fuel metering is on whenever `limits.fuel` is set.
            let _ = store.set_fuel(fuel);
        }
        store
    }

    fn abi_version_of_module(&self) -> Result<i32, LoadError> {
        let mut store = self.store();
        let instance = self
            .pre
            .instantiate(&mut store)
            .map_err(|e| LoadError::Startup(format!("cannot instantiate: {e}")))?;
        let f = instance
            .get_typed_func::<(), i32>(&mut store, "ferry_abi_version")
            .map_err(|e| LoadError::Startup(e.to_string()))?;
        f.call(&mut store, ())
            .map_err(|e| LoadError::Startup(format!("ferry_abi_version trapped: {e}")))
    }

    fn compile(&self, request: &[u8]) -> (Result<Vec<u8>, SandboxError>, RunStats) {
        let started = Instant::now();
        let mut store = self.store();
        let result = self.run(&mut store, request);
        let fuel = self
            .limits
            .fuel
            .map(|budget| budget.saturating_sub(store.get_fuel().unwrap_or(0)));
        let stats = RunStats {
            guest_time: started.elapsed(),
            fuel,
            memory_peak: store.data().memory_peak,
        };
        let result = result.map_err(|e| self.classify(e, &store));
        (result, stats)
    }

    fn run(&self, store: &mut Store<Guest>, request: &[u8]) -> Result<Vec<u8>, RunError> {
        let limits = &self.limits;
        if request.len() > limits.max_request_bytes {
            return Err(RunError::Sandbox(SandboxError::RequestTooLarge {
                len: request.len(),
                max: limits.max_request_bytes,
            }));
        }
        let instance = self
            .pre
            .instantiate(&mut *store)
            .map_err(RunError::Instantiate)?;
        let ex = &self.exports;
        let missing = || RunError::Sandbox(SandboxError::Internal("export vanished".into()));
        let memory = instance
            .get_module_export(&mut *store, &ex.memory)
            .and_then(|e| e.into_memory())
            .ok_or_else(missing)?;
        let alloc = instance
            .get_module_export(&mut *store, &ex.alloc)
            .and_then(|e| e.into_func())
            .ok_or_else(missing)?
            .typed::<i32, i32>(&*store)
            .map_err(RunError::Wasm)?;
        let compile = instance
            .get_module_export(&mut *store, &ex.compile)
            .and_then(|e| e.into_func())
            .ok_or_else(missing)?
            .typed::<(i32, i32), i64>(&*store)
            .map_err(RunError::Wasm)?;

        // `max_request_bytes` is far below 2 GiB, so the length fits an i32.
        let len = i32::try_from(request.len()).map_err(|_| {
            RunError::Sandbox(SandboxError::RequestTooLarge {
                len: request.len(),
                max: i32::MAX as usize,
            })
        })?;
        let ptr = alloc.call(&mut *store, len).map_err(RunError::Wasm)?;
        if ptr == 0 {
            return Err(RunError::Sandbox(SandboxError::OutOfMemory(
                limits.max_memory_bytes,
            )));
        }
        // Bounds-checked by wasmtime: a bogus pointer is an error, not a host write.
        memory
            .write(&mut *store, ptr as u32 as usize, request)
            .map_err(|e| bad(format!("ferry_alloc returned an unusable buffer: {e}")))?;
        let packed = compile
            .call(&mut *store, (ptr, len))
            .map_err(RunError::Wasm)?;
        let out_ptr = ((packed as u64) >> 32) as usize;
        let out_len = (packed as u64 & 0xffff_ffff) as usize;
        if out_len > limits.max_response_bytes {
            return Err(bad(format!(
                "the response is {out_len} bytes; at most {} are accepted",
                limits.max_response_bytes
            )));
        }
        let data = memory.data(&*store);
        let bytes = out_ptr
            .checked_add(out_len)
            .and_then(|end| data.get(out_ptr..end))
            .ok_or_else(|| {
                bad(format!(
                    "the response ({out_len} bytes at {out_ptr:#x}) lies outside the module's {} bytes of memory",
                    data.len()
                ))
            })?;
        serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
            .map_err(|e| bad(format!("the response is not JSON: {e}")))?;
        Ok(bytes.to_vec())
    }

    fn classify(&self, e: RunError, store: &Store<Guest>) -> SandboxError {
        let limits = &self.limits;
        let err = match e {
            RunError::Sandbox(s) => return s,
            RunError::Instantiate(err) => {
                // The pooling allocator refuses when all its slots are taken.
                if err.downcast_ref::<PoolConcurrencyLimitError>().is_some() {
                    return SandboxError::Busy(limits.max_instances);
                }
                if store.data().memory_denied {
                    return SandboxError::OutOfMemory(limits.max_memory_bytes);
                }
                err
            }
            RunError::Wasm(err) => err,
        };
        match err.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => SandboxError::Timeout(limits.deadline),
            Some(Trap::OutOfFuel) => SandboxError::OutOfFuel(limits.fuel.unwrap_or(0)),
            // A Rust guest whose allocation fails aborts: the trap is the symptom, the denied
            // growth the cause.
            Some(_) if store.data().memory_denied => {
                SandboxError::OutOfMemory(limits.max_memory_bytes)
            }
            Some(trap) => SandboxError::Trap(trap.to_string()),
            None if store.data().memory_denied => {
                SandboxError::OutOfMemory(limits.max_memory_bytes)
            }
            None => SandboxError::Trap(format!("{err:#}")),
        }
    }
}

enum RunError {
    Sandbox(SandboxError),
    Instantiate(wasmtime::Error),
    Wasm(wasmtime::Error),
}

fn bad(message: String) -> RunError {
    RunError::Sandbox(SandboxError::BadResponse(message))
}

fn engine(limits: &GuestLimits) -> Result<Engine, LoadError> {
    let mut pool = PoolingAllocationConfig::default();
    pool.total_core_instances(limits.max_instances)
        .total_memories(limits.max_instances)
        .total_tables(limits.max_instances)
        .max_memories_per_module(1)
        .max_tables_per_module(1)
        .max_memory_size(limits.max_memory_bytes)
        // A fresh instance per request must not mean fresh page faults per request: keep the
        // low pages of each slot resident and reset them by copy (only the pages actually
        // touched, where the kernel offers PAGEMAP_SCAN) instead of handing them back.
        .linear_memory_keep_resident(KEEP_RESIDENT)
        .table_keep_resident(64 << 10)
        .pagemap_scan(wasmtime::Enabled::Auto);
    let mut config = Config::new();
    config
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
        .epoch_interruption(true)
        .consume_fuel(limits.fuel.is_some());
    Engine::new(&config).map_err(|e| LoadError::Engine(format!("{e:#}")))
}

fn describe(params: &[ValType], results: &[ValType]) -> String {
    let list = |v: &[ValType]| {
        v.iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("({}) -> ({})", list(params), list(results))
}

fn validate(module: &Module) -> Result<Exports, LoadError> {
    let imports: Vec<String> = module
        .imports()
        .map(|i| format!("{}::{}", i.module(), i.name()))
        .collect();
    if !imports.is_empty() {
        return Err(LoadError::Imports(imports));
    }
    let mut extra = Vec::new();
    for export in module.exports() {
        let name = export.name();
        let known = name == "memory"
            || FUNCTIONS.iter().any(|(n, _, _)| *n == name)
            || (LINKER_GLOBALS.contains(&name) && matches!(export.ty(), ExternType::Global(_)));
        if !known {
            extra.push(name.to_string());
        }
    }
    if !extra.is_empty() {
        return Err(LoadError::ExtraExports(extra));
    }
    match module.get_export("memory") {
        Some(ExternType::Memory(m)) if !m.is_64() && !m.is_shared() => {}
        Some(other) => {
            return Err(LoadError::WrongExportType {
                name: "memory",
                expected: "a 32-bit unshared memory".into(),
                found: format!("{other:?}"),
            });
        }
        None => return Err(LoadError::MissingExport("memory")),
    }
    for (name, params, results) in FUNCTIONS {
        let expected = describe(params, results);
        match module.get_export(name) {
            Some(ExternType::Func(f)) => {
                let p: Vec<ValType> = f.params().collect();
                let r: Vec<ValType> = f.results().collect();
                let same = |a: &[ValType], b: &[ValType]| {
                    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| ValType::eq(x, y))
                };
                if !same(&p, params) || !same(&r, results) {
                    return Err(LoadError::WrongExportType {
                        name,
                        expected,
                        found: describe(&p, &r),
                    });
                }
            }
            Some(other) => {
                return Err(LoadError::WrongExportType {
                    name,
                    expected,
                    found: format!("{other:?}"),
                });
            }
            None => return Err(LoadError::MissingExport(name)),
        }
    }
    let index = |name: &'static str| {
        module
            .get_export_index(name)
            .ok_or(LoadError::MissingExport(name))
    };
    Ok(Exports {
        memory: index("memory")?,
        alloc: index("ferry_alloc")?,
        compile: index("ferry_compile")?,
    })
}
