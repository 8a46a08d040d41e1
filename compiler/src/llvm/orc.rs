//! Loading object code into the process: one ORC `LLJIT` (LLVM's C API through
//! llvm-sys) for all kernels, whose main JITDylib resolves our callee symbols
//! (`cpu::externs`, defined as absolute addresses of this process) and, through a
//! process search generator, anything else (`memcpy`, libm).
//!
//! Objects come from `TargetMachine::write_to_memory_buffer` or from the disk cache; the
//! same bytes load the same way, which is what makes a disk-cache hit cost about as much
//! as reading the file. Each kernel's entry symbol is unique (`hpxl_k_<key>`), and code
//! is never unloaded (as with the Cranelift backend's leaked modules).

use super::cpu::Extern;
use llvm_sys::core::LLVMCreateMemoryBufferWithMemoryRangeCopy;
use llvm_sys::error::{LLVMDisposeErrorMessage, LLVMErrorRef, LLVMGetErrorMessage};
use llvm_sys::orc2::lljit::*;
use llvm_sys::orc2::*;
use std::collections::{HashMap, HashSet};
use std::ffi::{CStr, CString};
use std::sync::{Mutex, OnceLock};

struct Jit {
    jit: LLVMOrcLLJITRef,
    dylib: LLVMOrcJITDylibRef,
    defined: HashSet<String>,
    /// Entry symbols already loaded, with their addresses.
    loaded: HashMap<String, usize>,
}

// SAFETY: ORC's LLJIT is thread-safe; every use is additionally serialised by the mutex.
unsafe impl Send for Jit {}

fn take_error(e: LLVMErrorRef) -> Result<(), String> {
    if e.is_null() {
        return Ok(());
    }
    // SAFETY: `e` is a live error; getting its message consumes it.
    unsafe {
        let msg = LLVMGetErrorMessage(e);
        let s = CStr::from_ptr(msg).to_string_lossy().into_owned();
        LLVMDisposeErrorMessage(msg);
        Err(s)
    }
}

fn jit() -> Result<&'static Mutex<Jit>, String> {
    static JIT: OnceLock<Result<Mutex<Jit>, String>> = OnceLock::new();
    JIT.get_or_init(|| {
        let start = std::time::Instant::now();
        let made = new_jit();
        if crate::fuse::dumping() {
            eprintln!("HPXL llvm phases: LLJIT created in {:.3} ms", start.elapsed().as_secs_f64() * 1e3);
        }
        made
    })
    .as_ref()
    .map_err(|e| e.clone())
}

fn new_jit() -> Result<Mutex<Jit>, String> {
    super::init_targets()?;
    // SAFETY: plain C API calls; the builder is consumed by LLVMOrcCreateLLJIT.
    unsafe {
        let builder = LLVMOrcCreateLLJITBuilder();
        let mut jit = std::ptr::null_mut();
        take_error(LLVMOrcCreateLLJIT(&mut jit, builder)).map_err(|e| format!("llvm backend: LLJIT: {e}"))?;
        let dylib = LLVMOrcLLJITGetMainJITDylib(jit);
        let mut gen = std::ptr::null_mut();
        let prefix = LLVMOrcLLJITGetGlobalPrefix(jit);
        take_error(LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(&mut gen, prefix, None, std::ptr::null_mut()))
            .map_err(|e| format!("llvm backend: process symbols: {e}"))?;
        LLVMOrcJITDylibAddGenerator(dylib, gen);
        Ok(Mutex::new(Jit { jit, dylib, defined: HashSet::new(), loaded: HashMap::new() }))
    }
}

/// Loads `object` (an ELF relocatable object) with `externs` defined, and returns the
/// address of `entry`.
pub(crate) fn load(object: &[u8], externs: &[Extern], entry: &str) -> Result<usize, String> {
    let mut j = jit()?.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&addr) = j.loaded.get(entry) {
        return Ok(addr);
    }
    let fresh: Vec<&Extern> = externs.iter().filter(|e| !j.defined.contains(&e.name)).collect();
    // SAFETY: C API calls on the live LLJIT; names are NUL-terminated; the memory
    // buffer is copied and then owned by LLJIT.
    unsafe {
        if !fresh.is_empty() {
            let mut pairs: Vec<LLVMJITCSymbolMapPair> = Vec::new();
            for e in &fresh {
                let name = CString::new(e.name.as_str()).map_err(|_| "llvm backend: symbol name".to_string())?;
                pairs.push(LLVMJITCSymbolMapPair {
                    Name: LLVMOrcLLJITMangleAndIntern(j.jit, name.as_ptr()),
                    Sym: LLVMJITEvaluatedSymbol {
                        Address: e.addr as u64,
                        Flags: LLVMJITSymbolFlags {
                            GenericFlags: LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsExported as u8
                                | LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsCallable as u8,
                            TargetFlags: 0,
                        },
                    },
                });
            }
            let mu = LLVMOrcAbsoluteSymbols(pairs.as_mut_ptr(), pairs.len());
            take_error(LLVMOrcJITDylibDefine(j.dylib, mu)).map_err(|e| format!("llvm backend: define symbols: {e}"))?;
            for e in fresh {
                j.defined.insert(e.name.clone());
            }
        }
        let name = CString::new("hpxl object").expect("no NUL");
        let buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(object.as_ptr() as *const _, object.len(), name.as_ptr());
        take_error(LLVMOrcLLJITAddObjectFile(j.jit, j.dylib, buf))
            .map_err(|e| format!("llvm backend: add object: {e}"))?;
        let mut addr: LLVMOrcExecutorAddress = 0;
        let entry_c = CString::new(entry).map_err(|_| "llvm backend: entry name".to_string())?;
        take_error(LLVMOrcLLJITLookup(j.jit, &mut addr, entry_c.as_ptr()))
            .map_err(|e| format!("llvm backend: lookup {entry}: {e}"))?;
        if addr == 0 {
            return Err(format!("llvm backend: {entry} resolved to null"));
        }
        j.loaded.insert(entry.to_string(), addr as usize);
        Ok(addr as usize)
    }
}
