//! Work spread over threads with its results kept in input order: the batch pipeline's shape
//! (one reader, a mapping thread per core, one writer), shared by `run` and `convert`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

/// Runs `produce` on a thread of its own, hands each item it emits to one of `workers` threads,
/// which turn it into a result with `work` (each thread with its own scratch state from
/// `scratch`), and gives the results to `consume` on the calling thread in the order the items
/// were emitted. Returns what `produce` returned.
///
/// At most `4 × workers` items are on their way at once (emitted, worked on, or waiting for an
/// earlier one), so memory stays flat when one stage falls behind: hand over batches of records,
/// not single ones. `emit` returns `false` once `consume` has returned `false` (then `produce`
/// should stop); items emitted after that are dropped unworked.
///
/// ```
/// use crosswalk::run::parallel::map_in_order;
///
/// let mut squares = Vec::new();
/// let emitted = map_in_order(
///     2,
///     |emit: &mut dyn FnMut(u64) -> bool| (1..=100).take_while(|&n| emit(n)).count(),
///     || (),
///     |_, n| n * n,
///     |square| {
///         squares.push(square);
///         true
///     },
/// );
/// assert_eq!(emitted, 100);
/// assert_eq!(squares, (1..=100u64).map(|n| n * n).collect::<Vec<_>>());
/// ```
pub fn map_in_order<T, U, S, P>(
    workers: usize,
    produce: impl FnOnce(&mut dyn FnMut(T) -> bool) -> P + Send,
    scratch: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, T) -> U + Sync,
    mut consume: impl FnMut(U) -> bool,
) -> P
where
    T: Send,
    U: Send,
    P: Send,
{
    let workers = workers.max(1);
    let in_flight = workers * 4;
    // Never full: the tokens bound the items on their way.
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, T)>(in_flight);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::sync_channel::<(u64, U)>(in_flight);
    // One token per item on its way: the producer takes one before emitting, the consumer gives
    // it back when the item's result is consumed.
    let (token_tx, token_rx) = mpsc::sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = token_tx.send(());
    }
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (stop, work, scratch) = (&stop, &work, &scratch);
        for _ in 0..workers {
            let (job_rx, done_tx) = (&job_rx, done_tx.clone());
            let token_tx = token_tx.clone();
            scope.spawn(move || {
                let _unblock = OnPanic(stop, token_tx);
                let mut state = scratch();
                loop {
                    let job = job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((seq, item)) = job else { break };
                    if stop.load(Ordering::Relaxed) {
                        continue; // drain, so that the producer never waits on a full queue
                    }
                    if done_tx.send((seq, work(&mut state, item))).is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            });
        }
        drop(done_tx);
        let producer = scope.spawn(move || {
            let mut seq = 0u64;
            let produced = produce(&mut |item| {
                if stop.load(Ordering::Relaxed)
                    || token_rx.recv().is_err()
                    || job_tx.send((seq, item)).is_err()
                {
                    return false;
                }
                seq += 1;
                !stop.load(Ordering::Relaxed)
            });
            drop(job_tx);
            produced
        });
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        for (seq, result) in done_rx.iter() {
            if stop.load(Ordering::Relaxed) {
                continue; // drain
            }
            pending.insert(seq, result);
            while let Some(result) = pending.remove(&next) {
                next += 1;
                let go_on = consume(result);
                if !go_on {
                    // Before the token: a producer waiting for one then sees the stop (with the
                    // token first, it could emit once more and wait for a token that no longer
                    // comes, the workers waiting for it and this thread for them).
                    stop.store(true, Ordering::Relaxed);
                }
                // After `consume`: what it hands back to the producer (buffers to reuse) is
                // there before the producer may emit again.
                let _ = token_tx.send(());
                if !go_on {
                    pending.clear();
                    break;
                }
            }
        }
        producer
            .join()
            .expect("the producing thread does not panic")
    })
}

/// Should a worker panic, stops the producer (which may be waiting for a token that the lost
/// item would have given back); the panic then reaches the caller when the scope ends.
struct OnPanic<'a>(&'a AtomicBool, mpsc::SyncSender<()>);

impl Drop for OnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Relaxed);
            let _ = self.1.try_send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_order_when_workers_finish_out_of_order() {
        let mut seen = Vec::new();
        map_in_order(
            3,
            |emit: &mut dyn FnMut(u32) -> bool| {
                for n in 0..200 {
                    assert!(emit(n));
                }
            },
            || (),
            |_, n| {
                // Early items take longest.
                std::thread::sleep(std::time::Duration::from_micros(u64::from(200 - n) * 5));
                n
            },
            |n| {
                seen.push(n);
                true
            },
        );
        assert_eq!(seen, (0..200).collect::<Vec<_>>());
    }

    #[test]
    fn a_consumer_that_stops_stops_the_producer() {
        let mut consumed = 0;
        let emitted = map_in_order(
            2,
            |emit: &mut dyn FnMut(u32) -> bool| (0..1_000_000).take_while(|&n| emit(n)).count(),
            || 0u32,
            |calls, n| {
                *calls += 1;
                n
            },
            |n| {
                consumed += 1;
                n < 10
            },
        );
        assert_eq!(consumed, 11);
        assert!(emitted < 1_000, "emitted {emitted} items after the stop");
    }

    #[test]
    fn each_worker_keeps_its_scratch_state() {
        let mut total = 0;
        map_in_order(
            2,
            |emit: &mut dyn FnMut(u32) -> bool| (0..500).for_each(|n| assert!(emit(n))),
            Vec::<u32>::new,
            |scratch, n| {
                scratch.push(n);
                scratch.len()
            },
            |len| {
                total += 1;
                assert!(len >= 1);
                true
            },
        );
        assert_eq!(total, 500);
    }

    #[test]
    fn a_panicking_worker_reaches_the_caller_instead_of_hanging() {
        let outcome = std::panic::catch_unwind(|| {
            map_in_order(
                2,
                |emit: &mut dyn FnMut(u32) -> bool| (0..100_000).take_while(|&n| emit(n)).count(),
                || (),
                |_, n| {
                    assert!(n != 50, "worker fails on item 50");
                    n
                },
                |_| true,
            )
        });
        assert!(outcome.is_err());
    }
}
