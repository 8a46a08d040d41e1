//! Streaming workers: each back-pressure policy (made deterministic by pausing the
//! worker so its queue fills), graceful shutdown, telemetry, callbacks.

use hpxl::{Backpressure, HostValue, SendError, Session, WorkerConfig};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn compiled(src: &str) -> (Session, hpxl::Function) {
    let mut s = Session::builder().output(Box::new(std::io::sink())).build().unwrap();
    let f = s.compile(src).unwrap();
    (s, f)
}

fn msg(x: f64) -> Vec<HostValue> {
    vec![vec![x, 2.0 * x].into()]
}

fn total(v: &HostValue) -> f64 {
    v.as_f64().unwrap()
}

#[test]
fn block_waits_for_room_and_loses_nothing() {
    let (s, f) = compiled("def f(v):\n    return v.sum()");
    let w = Arc::new(s.spawn_worker(&f, WorkerConfig::new(2, Backpressure::Block)).unwrap());
    w.pause();
    w.send(msg(1.0)).unwrap();
    w.send(msg(2.0)).unwrap();
    assert_eq!(w.queue_depth(), 2);
    // A third send blocks until the worker makes room.
    let sender = {
        let w = w.clone();
        std::thread::spawn(move || w.send(msg(3.0)).map_err(|e| e.to_string()))
    };
    std::thread::sleep(Duration::from_millis(50));
    assert!(!sender.is_finished(), "send must block while the queue is full");
    assert_eq!(w.queue_depth(), 2);
    w.resume();
    assert_eq!(sender.join().unwrap(), Ok(2));
    let mut got: Vec<(u64, f64)> = (0..3).map(|_| w.recv().unwrap()).map(|o| (o.seq, total(&o.result.unwrap()))).collect();
    got.sort_by_key(|g| g.0);
    assert_eq!(got, vec![(0, 3.0), (1, 6.0), (2, 9.0)]);
    let w = Arc::into_inner(w).unwrap();
    let report = w.shutdown().unwrap();
    assert_eq!((report.stats.processed, report.stats.rejected, report.stats.dropped), (3, 0, 0));
}

#[test]
fn reject_hands_the_message_back() {
    let (s, f) = compiled("def f(v):\n    return v.sum()");
    let w = s.spawn_worker(&f, WorkerConfig::new(2, Backpressure::Reject)).unwrap();
    w.pause();
    assert_eq!(w.send(msg(1.0)).unwrap(), 0);
    assert_eq!(w.send(msg(2.0)).unwrap(), 1);
    match w.send(msg(3.0)) {
        Err(SendError::Full(back)) => assert_eq!(back, msg(3.0)),
        other => panic!("expected Full, got {other:?}"),
    }
    assert!(matches!(w.send(msg(4.0)), Err(SendError::Full(_))));
    let stats = w.stats();
    assert_eq!((stats.queue_depth, stats.rejected, stats.processed), (2, 2, 0));
    w.resume();
    let report = w.shutdown().unwrap();
    assert_eq!((report.stats.processed, report.stats.rejected), (2, 2));
    let sums: Vec<f64> = report.pending.iter().map(|o| total(o.result.as_ref().unwrap())).collect();
    assert_eq!(sums, vec![3.0, 6.0]);
}

#[test]
fn drop_oldest_keeps_the_newest() {
    let (s, f) = compiled("def f(v):\n    return v.sum()");
    let w = s.spawn_worker(&f, WorkerConfig::new(3, Backpressure::DropOldest)).unwrap();
    w.pause();
    for k in 0..7 {
        assert_eq!(w.send(msg(k as f64)).unwrap(), k);
    }
    let stats = w.stats();
    assert_eq!((stats.queue_depth, stats.dropped), (3, 4));
    let report = w.shutdown().unwrap();
    let got: Vec<(u64, f64)> = report.pending.iter().map(|o| (o.seq, total(o.result.as_ref().unwrap()))).collect();
    assert_eq!(got, vec![(4, 12.0), (5, 15.0), (6, 18.0)]);
    assert_eq!((report.stats.processed, report.stats.dropped), (3, 4));
}

#[test]
fn shutdown_drains_the_queue_and_returns_the_session() {
    let (mut s, f) = compiled("def f(v):\n    return v * 2");
    s.exec("marker = 41").unwrap();
    let w = s.spawn_worker(&f, WorkerConfig::new(100, Backpressure::Block)).unwrap();
    w.pause();
    for k in 0..50 {
        w.send(msg(k as f64)).unwrap();
    }
    // Shutdown resumes a paused worker, processes all 50, then refuses more.
    let report = w.shutdown().unwrap();
    assert_eq!(report.stats.processed, 50);
    assert_eq!(report.stats.queue_depth, 0);
    assert_eq!(report.pending.len(), 50);
    assert!(report.pending.windows(2).all(|p| p[0].seq < p[1].seq));
    let mut s = report.session;
    assert_eq!(s.eval("marker + 1").unwrap(), HostValue::Int(42));
    // The function still works in the returned session.
    let out = s.call(&f, &msg(1.0)).unwrap();
    assert_eq!(out.as_array().unwrap().to_vec::<f64>(), vec![2.0, 4.0]);
}

#[test]
fn telemetry_counts_errors_and_latency_percentiles() {
    let (s, f) = compiled("def f(v):\n    return v.reshape(2, -1).sum(axis=1)");
    let w = s.spawn_worker(&f, WorkerConfig::default()).unwrap();
    for k in 0..20 {
        w.send(vec![vec![k as f64; 4].into()]).unwrap();
    }
    w.send(vec![vec![1.0f64; 3].into()]).unwrap();
    let outs: Vec<_> = (0..21).map(|_| w.recv().unwrap()).collect();
    let failed: Vec<_> = outs.iter().filter(|o| o.result.is_err()).collect();
    assert_eq!(failed.len(), 1);
    let e = failed[0].result.as_ref().unwrap_err();
    assert_eq!(e.code(), "E0600");
    assert!(e.to_string().contains("v.reshape(2, -1)"), "{e}");
    let stats = w.stats();
    assert_eq!((stats.processed, stats.failed), (21, 1));
    assert!(stats.p50 > Duration::ZERO);
    assert!(stats.p50 <= stats.p90 && stats.p90 <= stats.p99);
    let report = w.shutdown().unwrap();
    assert!(report.pending.is_empty());
}

#[test]
fn results_can_go_to_a_callback_and_sends_after_shutdown_fail() {
    let (s, f) = compiled("def f(v):\n    return v.max()");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let config = WorkerConfig {
        capacity: 4,
        policy: Backpressure::Block,
        on_result: Some(Box::new(move |o| sink.lock().unwrap().push((o.seq, o.result.unwrap().as_f64().unwrap())))),
    };
    let w = s.spawn_worker(&f, config).unwrap();
    for k in 0..10 {
        w.send(msg(k as f64)).unwrap();
    }
    assert!(w.recv_timeout(Duration::from_millis(10)).is_none());
    let report = w.shutdown().unwrap();
    assert!(report.pending.is_empty());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, (0..10).map(|k| (k as u64, 2.0 * k as f64)).collect::<Vec<_>>());
}

#[test]
fn a_worker_refuses_bad_configuration() {
    let (s, f) = compiled("def f(v):\n    return v");
    let e = s.spawn_worker(&f, WorkerConfig::new(0, Backpressure::Block)).err().unwrap();
    assert_eq!(e.message(), "a worker's queue capacity must be at least 1");
    let (s2, _) = compiled("def g(v):\n    return v");
    let e = s2.spawn_worker(&f, WorkerConfig::default()).err().unwrap();
    assert_eq!(e.message(), "function `f` was compiled by another session");
}
