//! The text form of the lazy graph, printed by `HPXL_DEBUG=2` and used in tests:
//! one SSA-style line per node in evaluation order, e.g.
//! `%2 = binary add f64 %0, %1 : f64[3,4]`.

use crate::graph::{Node, NodeRef, Op, Region};
use std::collections::HashMap;
use std::fmt::Write;

/// The graph below `root`, inputs before users; shared nodes are printed once.
pub fn dump(root: &NodeRef) -> String {
    let mut ids: HashMap<*const Node, usize> = HashMap::new();
    let mut out = String::new();
    // Iterative post-order (graphs can be deep).
    let mut stack: Vec<(NodeRef, bool)> = vec![(root.clone(), false)];
    while let Some((n, expanded)) = stack.pop() {
        let key = std::rc::Rc::as_ptr(&n);
        if ids.contains_key(&key) {
            continue;
        }
        let inputs = n.inputs();
        if !expanded {
            stack.push((n.clone(), true));
            for input in inputs.iter().rev() {
                if !ids.contains_key(&std::rc::Rc::as_ptr(input)) {
                    stack.push((input.clone(), false));
                }
            }
            continue;
        }
        let id = ids.len();
        let refs: Vec<String> =
            inputs.iter().map(|i| ids.get(&std::rc::Rc::as_ptr(i)).map_or("%?".into(), |k| format!("%{k}"))).collect();
        let _ = writeln!(out, "%{id} = {} : {}", describe(&n, &refs), type_text(&n));
        ids.insert(key, id);
    }
    out
}

fn type_text(n: &Node) -> String {
    let dims: Vec<String> = n.shape.iter().map(|d| d.to_string()).collect();
    format!("{}[{}]", short(n.dtype), dims.join(","))
}

fn short(d: hpxl_runtime::DType) -> &'static str {
    use hpxl_runtime::DType::*;
    match d {
        Bool => "bool",
        Int8 => "i8",
        Int16 => "i16",
        Int32 => "i32",
        Int64 => "i64",
        UInt8 => "u8",
        UInt16 => "u16",
        UInt32 => "u32",
        UInt64 => "u64",
        Float32 => "f32",
        Float64 => "f64",
    }
}

fn list<T: std::fmt::Display>(xs: &[T]) -> String {
    xs.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",")
}

fn describe(n: &Node, refs: &[String]) -> String {
    let r = |i: usize| refs.get(i).cloned().unwrap_or_else(|| "%?".into());
    n.with_op(|op| match op {
        Op::Const(a) => {
            crate::gpu::host_sync(&a.data);
            if a.size() == 1 {
                format!("const {}", hpxl_runtime::format::scalar_str(a.get_flat(0)))
            } else {
                "const <data>".to_string()
            }
        }
        Op::Unary { op, loop_dtype, .. } => format!("unary {} {} {}", op.name(), short(*loop_dtype), r(0)),
        Op::Binary { op, loop_dtype, .. } => format!("binary {} {} {}, {}", op.name(), short(*loop_dtype), r(0), r(1)),
        Op::Cast { .. } => format!("cast {}", r(0)),
        Op::Reduce { op, loop_dtype, axes, keepdims, .. } => {
            format!(
                "reduce {} {} {} axes=[{}]{}",
                op.name(),
                short(*loop_dtype),
                r(0),
                list(axes),
                if *keepdims { " keepdims" } else { "" }
            )
        }
        Op::Scan { op, axis, .. } => format!("scan {:?} {} axis={axis}", op, r(0)),
        Op::Select { .. } => format!("select {}, {}, {}", r(0), r(1), r(2)),
        Op::MatMul { .. } => format!("matmul {}, {}", r(0), r(1)),
        Op::View { view, .. } => format!("view {} offset={} strides=[{}]", r(0), view.offset, list(&view.strides)),
        Op::Broadcast { .. } => format!("broadcast {}", r(0)),
        Op::Reshape { .. } => format!("reshape {}", r(0)),
        Op::Gather { positions, .. } => format!("gather {} n={}", r(0), positions.len()),
        Op::Scatter { region, .. } => match region {
            Region::View(v) => format!(
                "scatter {} <- {} offset={} shape=[{}] strides=[{}]",
                r(0),
                r(1),
                v.offset,
                list(&v.shape),
                list(&v.strides)
            ),
            Region::Positions { positions, .. } => format!("scatter {} <- {} n={}", r(0), r(1), positions.len()),
        },
        Op::Concat { axis, .. } => format!("concat {} axis={axis}", refs.join(", ")),
        Op::Iota { start, step } => format!("iota start={} step={}", start.as_f64(), step.as_f64()),
        Op::Linspace { start, stop, num, endpoint } => {
            format!("linspace {start}..{stop} num={num}{}", if *endpoint { "" } else { " no-endpoint" })
        }
        Op::Eye { k } => format!("eye k={k}"),
        Op::Library { func, .. } => {
            let params = func.describe();
            let sep = if params.is_empty() || refs.is_empty() { "" } else { " " };
            format!("{} {}{sep}{params}", func.name(), refs.join(", "))
        }
    })
}
