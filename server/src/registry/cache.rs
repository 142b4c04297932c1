//! [`Resolver`]: the cache in front of a [`Registry`]. Answers are kept per tag for a
//! TTL, failures for a short while (negative caching), concurrent lookups of the same
//! tag share one request, and offline mode answers from the cache only.
//!
//! Cancellation: dropping a [`Resolver::resolve`] future (a cancelled LSP request) stops
//! waiting; the shared lookup itself runs on as a task bounded by the client's timeout
//! and fills the cache for the next caller.
//!
//! How the sharing works: the first caller of a key that is neither cached nor in
//! flight spawns the lookup as a tokio task and registers a `watch` receiver for it;
//! later callers clone that receiver. The task writes the cache and removes the
//! in-flight entry under one lock, then publishes the answer. A guard in the task
//! removes the in-flight entry even when the lookup panics or the runtime drops the
//! task, so a key is never stuck in flight. The lock is a `std::sync::Mutex` that is
//! never held across an `.await`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::{ErrorKind, Key, LookupError, Registry};
use crate::semantic::{FactsTable, ImageFacts};

/// Cache lifetimes and offline mode.
#[derive(Clone, Copy, Debug)]
pub struct CacheOptions {
    /// How long an answer is used without asking again.
    pub ttl: Duration,
    /// How long a failure is repeated without asking again.
    pub negative_ttl: Duration,
    /// Never ask the registry: fresh or stale cached answers, else an
    /// [`super::ErrorKind::Offline`] error.
    pub offline: bool,
}

impl CacheOptions {
    /// The lifetimes and offline mode a configuration names.
    pub fn from_config(config: &crate::config::registry::RegistryConfig) -> CacheOptions {
        CacheOptions {
            ttl: config.ttl(),
            negative_ttl: crate::config::registry::RegistryConfig::NEGATIVE_TTL,
            offline: config.offline(),
        }
    }
}

/// The time source of a [`Resolver`]: `Instant::now` unless a test injects another.
pub type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// What a shared lookup publishes: `None` until the answer is there.
type Answer = Option<Result<ImageFacts, LookupError>>;

/// One lookup in flight: its id (so a finished task only removes its own entry) and
/// where its answer will appear.
struct InFlight {
    id: u64,
    answer: watch::Receiver<Answer>,
}

#[derive(Default)]
struct State {
    /// The last positive answer per key and when it was recorded.
    positive: HashMap<Key, (ImageFacts, Instant)>,
    /// The last failure per key (never `Offline`) and when it happened.
    negative: HashMap<Key, (LookupError, Instant)>,
    in_flight: HashMap<Key, InFlight>,
    next_id: u64,
}

type Shared = Arc<Mutex<State>>;

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic while holding the lock leaves plain maps behind; they stay usable.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The cache. Shared by reference (`Arc<Resolver>`); its methods take `&self`.
pub struct Resolver {
    registry: Arc<dyn Registry>,
    options: CacheOptions,
    state: Shared,
    clock: Clock,
}

impl Resolver {
    /// A cache in front of `registry`.
    pub fn new(registry: Arc<dyn Registry>, options: CacheOptions) -> Resolver {
        Resolver::with_clock(registry, options, Arc::new(Instant::now))
    }

    /// A cache whose TTLs are measured with `clock` (tests step time by hand).
    pub fn with_clock(
        registry: Arc<dyn Registry>,
        options: CacheOptions,
        clock: Clock,
    ) -> Resolver {
        Resolver {
            registry,
            options,
            state: Shared::default(),
            clock,
        }
    }

    /// The facts of `key`: from the cache when fresh, else from the registry (one
    /// request for all concurrent callers). Needs a tokio runtime.
    pub async fn resolve(&self, key: &Key) -> Result<ImageFacts, LookupError> {
        let mut answer = match self.answer_or_wait(key) {
            Ok(done) => return done,
            Err(receiver) => receiver,
        };
        let published = answer
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|done| done.clone());
        // `None`: the task ended without publishing (it panicked, or the runtime is
        // shutting down).
        published.unwrap_or_else(|| {
            Err(LookupError::new(
                key.api_host(),
                ErrorKind::Protocol,
                format!("the lookup of `{key}` ended without an answer"),
            ))
        })
    }

    /// Under the lock: the cached answer, or the receiver of the lookup in flight
    /// (started here when there is none).
    fn answer_or_wait(
        &self,
        key: &Key,
    ) -> Result<Result<ImageFacts, LookupError>, watch::Receiver<Answer>> {
        let now = (self.clock)();
        let mut state = lock(&self.state);
        if let Some((facts, at)) = state.positive.get(key) {
            if self.options.offline || now.saturating_duration_since(*at) < self.options.ttl {
                return Ok(Ok(facts.clone()));
            }
        }
        if self.options.offline {
            return Ok(Err(LookupError::new(
                key.api_host(),
                ErrorKind::Offline,
                format!("offline mode: `{key}` is not in the cache"),
            )));
        }
        if let Some((error, at)) = state.negative.get(key) {
            if now.saturating_duration_since(*at) < self.options.negative_ttl {
                return Ok(Err(error.clone()));
            }
        }
        if let Some(in_flight) = state.in_flight.get(key) {
            return Err(in_flight.answer.clone());
        }
        let id = state.next_id;
        state.next_id += 1;
        let (sender, receiver) = watch::channel(None);
        state.in_flight.insert(
            key.clone(),
            InFlight {
                id,
                answer: receiver.clone(),
            },
        );
        drop(state);
        let guard = InFlightGuard {
            state: Arc::clone(&self.state),
            key: key.clone(),
            id,
            sender,
        };
        let registry = Arc::clone(&self.registry);
        let clock = Arc::clone(&self.clock);
        tokio::spawn(async move {
            let result = registry.lookup(&guard.key).await;
            let now = clock();
            {
                let mut state = lock(&guard.state);
                match &result {
                    Ok(facts) => {
                        state.negative.remove(&guard.key);
                        state
                            .positive
                            .insert(guard.key.clone(), (facts.clone(), now));
                    }
                    Err(error) if error.kind != ErrorKind::Offline => {
                        state
                            .negative
                            .insert(guard.key.clone(), (error.clone(), now));
                    }
                    Err(_) => {}
                }
                guard.finish(&mut state);
            }
            // Every caller may be gone (cancelled): nobody to tell, the cache has it.
            let _ = guard.sender.send(Some(result));
        });
        Err(receiver)
    }

    /// The last answer for `key`, fresh or not; never asks the registry. (The server
    /// reads every answer at once through [`Resolver::table`].)
    pub fn cached(&self, key: &Key) -> Option<ImageFacts> {
        lock(&self.state)
            .positive
            .get(key)
            .map(|(facts, _)| facts.clone())
    }

    /// Every answer held, by [`Key::table_key`], for [`crate::config::Config::image_facts`].
    pub fn table(&self) -> FactsTable {
        lock(&self.state)
            .positive
            .iter()
            .map(|(key, (facts, _))| (key.table_key(), facts.clone()))
            .collect()
    }

    /// Records an answer without asking (tests, and facts learnt another way).
    pub fn insert(&self, key: Key, facts: ImageFacts) {
        let now = (self.clock)();
        let mut state = lock(&self.state);
        state.negative.remove(&key);
        state.positive.insert(key, (facts, now));
    }
}

/// Owned by the lookup task: removes the task's in-flight entry when the task ends,
/// however it ends (answer, panic, or dropped by a runtime shutting down). The sender
/// is a field so that it is dropped (waking the waiters) only after the entry is gone.
struct InFlightGuard {
    state: Shared,
    key: Key,
    id: u64,
    sender: watch::Sender<Answer>,
}

impl InFlightGuard {
    fn finish(&self, state: &mut State) {
        if state
            .in_flight
            .get(&self.key)
            .is_some_and(|f| f.id == self.id)
        {
            state.in_flight.remove(&self.key);
        }
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        let state = Arc::clone(&self.state);
        self.finish(&mut lock(&state));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::SystemTime;

    use tokio::sync::Semaphore;

    use super::*;
    use crate::registry::BoxFuture;
    use crate::semantic::ImageRef;

    /// A registry that answers from a table, counts its lookups, and (with a gate) waits
    /// for a permit before answering; `panics` makes every lookup panic.
    #[derive(Default)]
    struct Counting {
        table: HashMap<Key, Result<ImageFacts, LookupError>>,
        calls: AtomicUsize,
        gate: Option<Arc<Semaphore>>,
        panics: bool,
    }

    impl Counting {
        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }
    }

    impl Registry for Counting {
        fn lookup<'a>(&'a self, key: &'a Key) -> BoxFuture<'a, Result<ImageFacts, LookupError>> {
            Box::pin(async move {
                self.calls.fetch_add(1, Ordering::SeqCst);
                if let Some(gate) = &self.gate {
                    gate.acquire().await.expect("gate open").forget();
                }
                assert!(!self.panics, "the test registry panics");
                self.table.get(key).cloned().unwrap_or_else(|| {
                    Err(LookupError::new(
                        key.api_host(),
                        ErrorKind::NotFound,
                        format!("`{key}` not found"),
                    ))
                })
            })
        }
    }

    /// A registry that answers `key` with `facts` once `gate` gives a permit.
    fn gated(key: &Key, facts: ImageFacts, gate: &Arc<Semaphore>) -> Arc<Counting> {
        Arc::new(Counting {
            table: HashMap::from([(key.clone(), Ok(facts))]),
            gate: Some(Arc::clone(gate)),
            ..Counting::default()
        })
    }

    /// `resolver.resolve(key)` as a task of its own (which the test may abort).
    fn spawn_resolve(
        resolver: &Arc<Resolver>,
        key: &Key,
    ) -> tokio::task::JoinHandle<Result<ImageFacts, LookupError>> {
        let (resolver, key) = (Arc::clone(resolver), key.clone());
        tokio::spawn(async move { resolver.resolve(&key).await })
    }

    fn key(s: &str) -> Key {
        Key::of(&ImageRef::parse(s).unwrap()).unwrap()
    }

    fn facts(hex: char) -> ImageFacts {
        ImageFacts {
            digest: format!("sha256:{}", hex.to_string().repeat(64)),
            media_type: "application/vnd.oci.image.index.v1+json".into(),
            platforms: vec!["linux/amd64".into()],
            fetched_at: SystemTime::UNIX_EPOCH,
        }
    }

    const OPTIONS: CacheOptions = CacheOptions {
        ttl: Duration::from_secs(60),
        negative_ttl: Duration::from_secs(5),
        offline: false,
    };

    /// A clock the test moves by hand.
    fn manual_clock() -> (Clock, Arc<Mutex<Instant>>) {
        let now = Arc::new(Mutex::new(Instant::now()));
        let read = Arc::clone(&now);
        (Arc::new(move || *read.lock().unwrap()), now)
    }

    fn advance(now: &Mutex<Instant>, by: Duration) {
        *now.lock().unwrap() += by;
    }

    /// Yields until `done` holds; fails the test after a few seconds.
    async fn until(mut done: impl FnMut() -> bool) {
        let start = Instant::now();
        while !done() {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "timed out waiting"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    /// `future`'s output; fails the test instead of hanging when it takes seconds.
    async fn within<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(5), future)
            .await
            .expect("timed out")
    }

    fn resolver_over(
        registry: &Arc<Counting>,
        options: CacheOptions,
    ) -> (Resolver, Arc<Mutex<Instant>>) {
        let (clock, now) = manual_clock();
        let registry: Arc<dyn Registry> = Arc::clone(registry) as _;
        (Resolver::with_clock(registry, options, clock), now)
    }

    #[tokio::test]
    async fn answers_are_kept_for_the_ttl() {
        let k = key("node:22");
        let registry = Arc::new(Counting {
            table: HashMap::from([(k.clone(), Ok(facts('a')))]),
            ..Counting::default()
        });
        let (resolver, now) = resolver_over(&registry, OPTIONS);
        assert_eq!(resolver.cached(&k), None);
        assert_eq!(resolver.resolve(&k).await, Ok(facts('a')));
        advance(&now, OPTIONS.ttl - Duration::from_millis(1));
        assert_eq!(resolver.resolve(&k).await, Ok(facts('a')));
        assert_eq!(registry.calls(), 1);
        advance(&now, Duration::from_millis(1));
        // Stale: still shown by `cached` and `table`, but `resolve` asks again.
        assert_eq!(resolver.cached(&k), Some(facts('a')));
        assert_eq!(
            resolver.table(),
            FactsTable::from([("docker.io/library/node:22".to_owned(), facts('a'))])
        );
        assert_eq!(resolver.resolve(&k).await, Ok(facts('a')));
        assert_eq!(registry.calls(), 2);
        // Another key is its own entry.
        let other = key("node:20");
        resolver.insert(other.clone(), facts('b'));
        assert_eq!(resolver.resolve(&other).await, Ok(facts('b')));
        assert_eq!(registry.calls(), 2);
        assert_eq!(
            resolver.table().keys().collect::<Vec<_>>(),
            ["docker.io/library/node:20", "docker.io/library/node:22"]
        );
    }

    #[tokio::test]
    async fn failures_are_kept_for_the_negative_ttl_but_offline_errors_are_not() {
        let k = key("ghcr.io/o/app:1");
        let registry = Arc::new(Counting::default());
        let (resolver, now) = resolver_over(&registry, OPTIONS);
        let first = resolver.resolve(&k).await.unwrap_err();
        assert_eq!(
            (first.kind, first.host.as_str(), first.message.as_str()),
            (
                ErrorKind::NotFound,
                "ghcr.io",
                "`ghcr.io/o/app:1` not found"
            )
        );
        advance(&now, OPTIONS.negative_ttl - Duration::from_millis(1));
        assert_eq!(resolver.resolve(&k).await, Err(first.clone()));
        assert_eq!(registry.calls(), 1);
        advance(&now, Duration::from_millis(1));
        assert_eq!(resolver.resolve(&k).await, Err(first));
        assert_eq!(registry.calls(), 2);
        assert_eq!(resolver.cached(&k), None);
        assert!(resolver.table().is_empty());
        // An answer learnt another way replaces the failure at once.
        resolver.insert(k.clone(), facts('c'));
        assert_eq!(resolver.resolve(&k).await, Ok(facts('c')));
        assert_eq!(registry.calls(), 2);

        let offline = key("node:18");
        let error = LookupError::new("registry-1.docker.io", ErrorKind::Offline, "offline");
        let registry = Arc::new(Counting {
            table: HashMap::from([(offline.clone(), Err(error.clone()))]),
            ..Counting::default()
        });
        let (resolver, _) = resolver_over(&registry, OPTIONS);
        assert_eq!(resolver.resolve(&offline).await, Err(error.clone()));
        assert_eq!(resolver.resolve(&offline).await, Err(error));
        assert_eq!(registry.calls(), 2);
    }

    #[tokio::test]
    async fn concurrent_resolves_share_one_lookup() {
        let k = key("node:22");
        let gate = Arc::new(Semaphore::new(0));
        let registry = gated(&k, facts('d'), &gate);
        let (resolver, _) = resolver_over(&registry, OPTIONS);
        let resolver = Arc::new(resolver);
        let callers: Vec<_> = (0..8).map(|_| spawn_resolve(&resolver, &k)).collect();
        until(|| registry.calls() == 1).await;
        // Let every caller reach the in-flight lookup before it answers.
        tokio::time::sleep(Duration::from_millis(20)).await;
        gate.add_permits(8);
        for caller in callers {
            assert_eq!(within(caller).await.unwrap(), Ok(facts('d')));
        }
        assert_eq!(registry.calls(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_caller_cancels_nobody_and_the_answer_is_cached() {
        let k = key("user/app:1");
        let gate = Arc::new(Semaphore::new(0));
        let registry = gated(&k, facts('e'), &gate);
        let (resolver, _) = resolver_over(&registry, OPTIONS);
        let resolver = Arc::new(resolver);
        let cancelled = spawn_resolve(&resolver, &k);
        until(|| registry.calls() == 1).await;
        let waiting = spawn_resolve(&resolver, &k);
        cancelled.abort();
        assert!(within(cancelled).await.unwrap_err().is_cancelled());
        gate.add_permits(1);
        assert_eq!(within(waiting).await.unwrap(), Ok(facts('e')));
        assert_eq!(resolver.resolve(&k).await, Ok(facts('e')));
        assert_eq!(registry.calls(), 1);

        // With every caller gone, the lookup still finishes and fills the cache.
        let other = key("user/app:2");
        let registry = gated(&other, facts('f'), &gate);
        let (resolver, _) = resolver_over(&registry, OPTIONS);
        let resolver = Arc::new(resolver);
        let lone = spawn_resolve(&resolver, &other);
        until(|| registry.calls() == 1).await;
        lone.abort();
        assert!(within(lone).await.unwrap_err().is_cancelled());
        assert_eq!(resolver.cached(&other), None);
        gate.add_permits(1);
        until(|| resolver.cached(&other).is_some()).await;
        assert_eq!(resolver.resolve(&other).await, Ok(facts('f')));
        assert_eq!(registry.calls(), 1);
    }

    #[tokio::test]
    async fn a_panicking_lookup_does_not_leave_the_key_in_flight() {
        let k = key("node:22");
        let registry = Arc::new(Counting {
            panics: true,
            ..Counting::default()
        });
        let (resolver, _) = resolver_over(&registry, OPTIONS);
        for calls in 1..=2 {
            let error = resolver.resolve(&k).await.unwrap_err();
            assert_eq!(
                (error.kind, error.message.as_str()),
                (
                    ErrorKind::Protocol,
                    "the lookup of `node:22` ended without an answer"
                )
            );
            assert_eq!(registry.calls(), calls);
        }
    }

    #[tokio::test]
    async fn offline_mode_answers_from_the_cache_only() {
        let k = key("node:22");
        let registry = Arc::new(Counting {
            table: HashMap::from([(k.clone(), Ok(facts('a')))]),
            ..Counting::default()
        });
        let offline = CacheOptions {
            offline: true,
            ..OPTIONS
        };
        let (resolver, now) = resolver_over(&registry, offline);
        let error = resolver.resolve(&k).await.unwrap_err();
        assert_eq!(
            (error.kind, error.host.as_str(), error.message.as_str()),
            (
                ErrorKind::Offline,
                "registry-1.docker.io",
                "offline mode: `node:22` is not in the cache"
            )
        );
        resolver.insert(k.clone(), facts('b'));
        advance(&now, offline.ttl * 10);
        assert_eq!(resolver.resolve(&k).await, Ok(facts('b')));
        assert_eq!(registry.calls(), 0);
    }
}
