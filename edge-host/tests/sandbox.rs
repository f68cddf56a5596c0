//! The sandbox against the module: native ≡ wasm on every corpus case, the module's shape, and
//! refusal of modules that are not the ABI.

mod common;

use common::module_bytes;
use ferry::server::sandbox::{GuestLimits, LoadError, Sandbox};
use ferry_tests::{WasmVariant, all_cases, request_for};

fn sandbox() -> Sandbox {
    Sandbox::new(
        module_bytes(WasmVariant::Shipped),
        GuestLimits {
            deadline: std::time::Duration::from_secs(30),
            max_instances: 4,
            ..GuestLimits::default()
        },
    )
    .expect("module loads")
}

/// DESIGN §8: the same input gives the same bytes natively and in wasmtime, on every case.
#[test]
fn native_equals_wasm_on_every_corpus_case() {
    let sandbox = sandbox();
    let cases = all_cases();
    assert!(cases.len() >= 10, "only {} cases found", cases.len());
    let mut failures = Vec::new();
    for (name, dir) in &cases {
        let request = serde_json::to_vec(&request_for(dir)).expect("serialises");
        let native = ferry_compiler_wasm::compile_json(&request);
        match sandbox.compile(&request).0 {
            Ok(wasm) if wasm == native => {}
            Ok(wasm) => failures.push(format!(
                "{name}: wasm answer differs ({} bytes native, {} bytes wasm; first difference at byte {})",
                native.len(),
                wasm.len(),
                native.iter().zip(&wasm).position(|(a, b)| a != b).unwrap_or(native.len().min(wasm.len()))
            )),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_module_has_no_imports_and_exactly_the_abi_exports() {
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::new(&engine, module_bytes(WasmVariant::Shipped)).expect("valid");
    let imports: Vec<String> = module
        .imports()
        .map(|i| format!("{}::{}", i.module(), i.name()))
        .collect();
    assert!(imports.is_empty(), "compiler.wasm imports {imports:?}");
    let mut exports: Vec<&str> = module.exports().map(|e| e.name()).collect();
    exports.sort_unstable();
    exports.retain(|e| !matches!(*e, "__data_end" | "__heap_base"));
    assert_eq!(
        exports,
        [
            "ferry_abi_version",
            "ferry_alloc",
            "ferry_compile",
            "ferry_free",
            "memory"
        ]
    );
    let s = sandbox();
    assert_eq!(s.abi_version(), ferry_compiler_wasm::ABI_VERSION);
    assert_eq!(s.sha256().len(), 64);
}

#[test]
fn modules_outside_the_abi_are_refused() {
    let limits = GuestLimits {
        max_instances: 2,
        ..GuestLimits::default()
    };
    let refuse = |bytes: &[u8]| Sandbox::new(bytes.to_vec(), limits.clone()).expect_err("refused");
    assert!(matches!(refuse(b"not wasm"), LoadError::Invalid(_)));
    // An empty module: no exports at all.
    let empty = b"\0asm\x01\0\0\0";
    assert!(matches!(refuse(empty), LoadError::MissingExport("memory")));
    // A module importing `env::f`.
    let mut importing = empty.to_vec();
    importing.extend_from_slice(&[0x01, 0x04, 0x01, 0x60, 0x00, 0x00]); // type () -> ()
    importing.extend_from_slice(&[
        0x02, 0x09, 0x01, 0x03, b'e', b'n', b'v', 0x01, b'f', 0x00, 0x00,
    ]);
    match refuse(&importing) {
        LoadError::Imports(list) => assert_eq!(list, ["env::f"]),
        other => panic!("wrong refusal: {other}"),
    }
    assert!(refuse(&importing).to_string().contains("env::f"));
}

#[test]
fn hostile_answers_are_checked() {
    // A request larger than the sandbox accepts never reaches the guest.
    let s = Sandbox::new(
        module_bytes(WasmVariant::Shipped),
        GuestLimits {
            max_request_bytes: 10,
            max_instances: 2,
            ..GuestLimits::default()
        },
    )
    .expect("loads");
    let err = s.compile(b"{\"files\":{}}").0.expect_err("too large");
    assert!(err.to_string().contains("at most 10"), "{err}");
    // A response larger than the host accepts is refused, not copied.
    let s = Sandbox::new(
        module_bytes(WasmVariant::Shipped),
        GuestLimits {
            max_response_bytes: 16,
            max_instances: 2,
            ..GuestLimits::default()
        },
    )
    .expect("loads");
    let err = s.compile(br#"{"files":{}}"#).0.expect_err("too large");
    assert!(err.to_string().contains("at most 16"), "{err}");
}
