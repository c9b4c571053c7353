//! The load generator of bench/quiz_load.py: simulated phones taking the quiz, each request
//! on a new connection, from N OS threads ("lanes") with blocking sockets — so that the
//! generator costs next to nothing of the CPU the server under test needs. Std only.
//!
//!     loadgen --server 127.0.0.1:PORT --udp-port PORT --campaign TOKEN --branches a,b,...
//!             --keys FILE --sittings N [--lanes 100] [--phase-seconds 15]
//!             [--answers batch|single]
//!
//! `--keys` names a file of "n key" lines, key = sha256(phone of n) hex[:16], for workers
//! 0..N+lanes-1 (std has no sha256): the server's bench SMS sender (bench/common/sms_udp.py)
//! sends each one-time code as a UDP datagram "key code" to `--udp-port`.
//!
//! Three phases, same lanes: GET /healthz for `--phase-seconds` (trivial_rps); answer saves
//! alone by workers N..N+lanes-1 in open sittings (answer_rps); the replay of workers
//! 0..N-1. One JSON object on stdout; progress on stderr.

mod http;
mod json;

use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket};
use std::process::exit;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use http::Request;
use json::{quote, Json};

const STEPS: [&str; 6] = ["open", "code", "sign_in", "start", "answer", "submit"];
const OPEN: usize = 0;
const CODE: usize = 1;
const SIGN_IN: usize = 2;
const START: usize = 3;
const ANSWER: usize = 4;
const SUBMIT: usize = 5;
const CODE_WAIT: Duration = Duration::from_secs(30);
const PROGRESS_EVERY: u64 = 2000;
const LANE_STACK: usize = 512 * 1024;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Single,
    Batch,
}

struct Config {
    server: SocketAddr,
    udp_port: u16,
    campaign: String,
    branches: Vec<String>,
    keys: Vec<String>,
    sittings: usize,
    lanes: usize,
    phase_seconds: f64,
    mode: Mode,
}

fn usage(problem: &str) -> ! {
    eprintln!("loadgen: {problem}");
    eprintln!(
        "usage: loadgen --server HOST:PORT --udp-port PORT --campaign TOKEN --branches A,B,... \
         --keys FILE --sittings N [--lanes 100] [--phase-seconds 15] [--answers batch|single]"
    );
    exit(2)
}

fn parse_args() -> Config {
    let mut values: HashMap<String, String> = HashMap::new();
    let mut args = std::env::args().skip(1);
    while let Some(name) = args.next() {
        let Some(key) = name.strip_prefix("--") else {
            usage(&format!("unexpected {name:?}"))
        };
        let Some(value) = args.next() else {
            usage(&format!("{name} needs a value"))
        };
        values.insert(key.to_string(), value);
    }
    let mut take = |key: &str, default: Option<&str>| -> String {
        match values.remove(key) {
            Some(value) => value,
            None => match default {
                Some(d) => d.to_string(),
                None => usage(&format!("--{key} is required")),
            },
        }
    };
    let server = take("server", None);
    let udp_port = take("udp-port", None);
    let campaign = take("campaign", None);
    let branches = take("branches", None);
    let keys_path = take("keys", None);
    let sittings = take("sittings", None);
    let lanes = take("lanes", Some("100"));
    let phase_seconds = take("phase-seconds", Some("15"));
    let mode = match take("answers", Some("batch")).as_str() {
        "batch" => Mode::Batch,
        "single" => Mode::Single,
        other => usage(&format!("--answers must be batch or single, not {other:?}")),
    };
    if let Some(key) = values.keys().next() {
        usage(&format!("unknown option --{key}"));
    }
    let number = |name: &str, text: &str| -> usize {
        text.parse()
            .unwrap_or_else(|_| usage(&format!("--{name}: not a number: {text:?}")))
    };
    let sittings = number("sittings", &sittings);
    let lanes = number("lanes", &lanes);
    if lanes == 0 {
        usage("--lanes must be at least 1");
    }
    let branches: Vec<String> = branches
        .split(',')
        .filter(|b| !b.is_empty())
        .map(String::from)
        .collect();
    if branches.is_empty() {
        usage("--branches is empty");
    }
    let text = std::fs::read_to_string(&keys_path)
        .unwrap_or_else(|e| usage(&format!("cannot read {keys_path}: {e}")));
    let mut keys = vec![String::new(); sittings + lanes];
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = line.split_whitespace();
        let (Some(n), Some(key)) = (parts.next(), parts.next()) else {
            usage(&format!("bad line in {keys_path}: {line:?}"))
        };
        let n: usize = n
            .parse()
            .unwrap_or_else(|_| usage(&format!("bad line in {keys_path}: {line:?}")));
        if n < keys.len() {
            keys[n] = key.to_string();
        }
    }
    if let Some(n) = keys.iter().position(String::is_empty) {
        usage(&format!(
            "{keys_path} has no key for worker {n} (needs 0..{})",
            sittings + lanes
        ));
    }
    Config {
        server: server
            .parse()
            .unwrap_or_else(|_| usage(&format!("--server: bad address {server:?}"))),
        udp_port: number("udp-port", &udp_port) as u16,
        campaign,
        branches,
        keys,
        sittings,
        lanes,
        phase_seconds: phase_seconds.parse().unwrap_or_else(|_| {
            usage(&format!("--phase-seconds: not a number: {phase_seconds:?}"))
        }),
        mode,
    }
}

fn phone_of(n: usize) -> String {
    format!("139{n:08}")
}

fn address_of(n: usize) -> String {
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

/// xorshift64*, seeded by the worker's number.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x2545_F491_4F6C_DD1D);
        if rng.0 == 0 {
            rng.0 = 1;
        }
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() >> 32) as usize % n
    }
}

// -- one-time codes arriving over UDP ------------------------------------------------------

struct Codes {
    by_key: Mutex<HashMap<String, String>>,
    arrived: Condvar,
}

impl Codes {
    fn receive(&self, socket: UdpSocket) {
        let mut buf = [0u8; 512];
        loop {
            let Ok((n, _)) = socket.recv_from(&mut buf) else {
                continue;
            };
            let text = String::from_utf8_lossy(&buf[..n]);
            let mut parts = text.split_whitespace();
            if let (Some(key), Some(code)) = (parts.next(), parts.next()) {
                self.by_key
                    .lock()
                    .unwrap()
                    .insert(key.to_string(), code.to_string());
                self.arrived.notify_all();
            }
        }
    }

    fn wait(&self, key: &str) -> Option<String> {
        let deadline = Instant::now() + CODE_WAIT;
        let mut by_key = self.by_key.lock().unwrap();
        loop {
            if let Some(code) = by_key.remove(key) {
                return Some(code);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            by_key = self.arrived.wait_timeout(by_key, left).unwrap().0;
        }
    }
}

// -- per-lane records ----------------------------------------------------------------------

#[derive(Default)]
struct Stats {
    latency: [Vec<f64>; 6],
    failures: HashMap<String, u64>,
}

impl Stats {
    fn fail(&mut self, label: String) {
        *self.failures.entry(label).or_default() += 1;
    }

    fn merge(&mut self, other: Stats) {
        for (mine, theirs) in self.latency.iter_mut().zip(other.latency) {
            mine.extend(theirs);
        }
        for (label, count) in other.failures {
            *self.failures.entry(label).or_default() += count;
        }
    }
}

struct Question {
    id: String,
    multiple: bool,
    letters: Vec<String>,
}

struct Sitting {
    id: String,
    questions: Vec<Question>,
}

struct Lane<'a> {
    config: &'a Config,
    codes: &'a Codes,
    stats: Stats,
    /// Requests sent, and those of them that failed.
    requests: u64,
    failed: u64,
    buf: Vec<u8>,
}

/// A request that failed: already counted, the worker is abandoned.
struct Abandoned;

impl Lane<'_> {
    fn new<'a>(config: &'a Config, codes: &'a Codes) -> Lane<'a> {
        Lane {
            config,
            codes,
            stats: Stats::default(),
            requests: 0,
            failed: 0,
            buf: Vec::with_capacity(16 * 1024),
        }
    }

    fn step(&mut self, step: usize, request: &Request) -> Result<Vec<u8>, Abandoned> {
        let started = Instant::now();
        let result = http::call(self.config.server, request, &mut self.buf);
        self.stats.latency[step].push(started.elapsed().as_secs_f64());
        self.requests += 1;
        if !matches!(result, Ok(ref response) if response.status == 200) {
            self.failed += 1;
        }
        match result {
            Ok(response) if response.status == 200 => Ok(response.body),
            Ok(response) => {
                self.stats
                    .fail(format!("{} {}", STEPS[step], response.status));
                Err(Abandoned)
            }
            Err(failure) => {
                self.stats
                    .fail(format!("{} {}", STEPS[step], failure.label()));
                Err(Abandoned)
            }
        }
    }

    fn step_json(&mut self, step: usize, request: &Request) -> Result<Json, Abandoned> {
        let body = self.step(step, request)?;
        json::parse(&body).map_err(|_| {
            self.stats.fail(format!("{} badjson", STEPS[step]));
            Abandoned
        })
    }

    fn sign_in(&mut self, n: usize) -> Result<String, Abandoned> {
        let phone = quote(&phone_of(n));
        let address = address_of(n);
        let body = format!("{{\"phone\": {phone}}}");
        let post = |path, body| Request {
            method: "POST",
            path,
            body: Some(body),
            token: None,
            address: &address,
        };
        self.step(CODE, &post("/api/v1/quiz/sign-in/code", &body))?;
        let Some(code) = self.codes.wait(&self.config.keys[n]) else {
            self.stats.fail("sms timeout".into());
            return Err(Abandoned);
        };
        let body = format!("{{\"phone\": {phone}, \"code\": {}}}", quote(&code));
        let answer = self.step_json(SIGN_IN, &post("/api/v1/quiz/sign-in", &body))?;
        match answer.get("token").and_then(Json::as_str) {
            Some(token) => Ok(token.to_string()),
            None => {
                self.stats.fail("sign_in notoken".into());
                Err(Abandoned)
            }
        }
    }

    fn start(&mut self, n: usize, token: &str) -> Result<Sitting, Abandoned> {
        let path = format!("/api/v1/quiz/campaigns/{}/sittings", self.config.campaign);
        let address = address_of(n);
        let request = Request {
            method: "POST",
            path: &path,
            body: Some("{}"),
            token: Some(token),
            address: &address,
        };
        let answer = self.step_json(START, &request)?;
        let sitting = read_sitting(&answer);
        if sitting.is_none() {
            self.stats.fail("start badsitting".into());
        }
        sitting.ok_or(Abandoned)
    }

    /// One answer request: all the questions (batch) or one random question (single).
    fn answer(
        &mut self,
        n: usize,
        token: &str,
        sitting: &Sitting,
        body: &str,
    ) -> Result<(), Abandoned> {
        let path = format!("/api/v1/quiz/sittings/{}/answers", sitting.id);
        let address = address_of(n);
        let request = Request {
            method: "POST",
            path: &path,
            body: Some(body),
            token: Some(token),
            address: &address,
        };
        self.step(ANSWER, &request).map(|_| ())
    }

    fn worker(&mut self, n: usize) -> Result<(), Abandoned> {
        let config = self.config;
        let mut rng = Rng::new(n as u64);
        let address = address_of(n);
        let branch = &config.branches[n % config.branches.len()];
        let path = format!("/h5/quiz/{}/?branch={branch}", config.campaign);
        self.step(
            OPEN,
            &Request {
                method: "GET",
                path: &path,
                body: None,
                token: None,
                address: &address,
            },
        )?;
        let token = self.sign_in(n)?;
        let sitting = self.start(n, &token)?;
        match config.mode {
            Mode::Batch => self.answer(n, &token, &sitting, &batch_body(&sitting, &mut rng))?,
            Mode::Single => {
                for question in &sitting.questions {
                    self.answer(n, &token, &sitting, &single_body(question, &mut rng))?;
                }
            }
        }
        let path = format!("/api/v1/quiz/sittings/{}/submit", sitting.id);
        let request = Request {
            method: "POST",
            path: &path,
            body: Some("{}"),
            token: Some(&token),
            address: &address,
        };
        self.step(SUBMIT, &request)?;
        Ok(())
    }
}

fn read_sitting(answer: &Json) -> Option<Sitting> {
    let id = answer.get("id")?.as_id()?.to_string();
    let mut questions = Vec::new();
    for q in answer.get("questions")?.as_array()? {
        let letters: Vec<String> = q
            .get("options")?
            .as_array()?
            .iter()
            .map(|o| o.get("letter").and_then(Json::as_str).map(String::from))
            .collect::<Option<_>>()?;
        let multiple = q.get("kind").and_then(Json::as_str) == Some("multiple");
        if letters.is_empty() || (multiple && letters.len() < 2) {
            return None;
        }
        questions.push(Question {
            id: q.get("id")?.as_id()?.to_string(),
            multiple,
            letters,
        });
    }
    if questions.is_empty() {
        return None;
    }
    Some(Sitting { id, questions })
}

/// Two distinct random letters sorted and joined for a multiple-choice question, else one.
fn choose(question: &Question, rng: &mut Rng) -> String {
    let letters = &question.letters;
    let first = rng.below(letters.len());
    if !question.multiple {
        return letters[first].clone();
    }
    let mut second = rng.below(letters.len() - 1);
    if second >= first {
        second += 1;
    }
    let mut pair = [letters[first].as_str(), letters[second].as_str()];
    pair.sort();
    pair.concat()
}

fn single_body(question: &Question, rng: &mut Rng) -> String {
    format!(
        "{{\"question\": {}, \"answer\": {}}}",
        question.id,
        quote(&choose(question, rng))
    )
}

fn batch_body(sitting: &Sitting, rng: &mut Rng) -> String {
    let answers: Vec<String> = sitting
        .questions
        .iter()
        .map(|q| format!("{}: {}", quote(&q.id), quote(&choose(q, rng))))
        .collect();
    format!("{{\"answers\": {{{}}}}}", answers.join(", "))
}

// -- the generator's own CPU time ----------------------------------------------------------

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn cpu_times() -> Cpu {
    // struct rusage on 64-bit Linux: two struct timeval, then 14 longs.
    #[repr(C)]
    struct Rusage {
        utime: [i64; 2],
        stime: [i64; 2],
        rest: [i64; 14],
    }
    extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    let mut usage = Rusage {
        utime: [0; 2],
        stime: [0; 2],
        rest: [0; 14],
    };
    // SAFETY: RUSAGE_SELF (0) with a pointer to a struct of the kernel's layout.
    if unsafe { getrusage(0, &mut usage) } != 0 {
        return Cpu::default();
    }
    let seconds = |t: [i64; 2]| t[0] as f64 + t[1] as f64 / 1e6;
    Cpu {
        user: seconds(usage.utime),
        system: seconds(usage.stime),
    }
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn cpu_times() -> Cpu {
    Cpu::default()
}

/// This process's CPU time (all threads), user and system, in seconds.
#[derive(Clone, Copy, Default)]
struct Cpu {
    user: f64,
    system: f64,
}

impl Cpu {
    fn since(self, earlier: Cpu) -> Cpu {
        Cpu {
            user: self.user - earlier.user,
            system: self.system - earlier.system,
        }
    }

    fn total(self) -> f64 {
        self.user + self.system
    }
}

// -- the phases ----------------------------------------------------------------------------

/// One phase: requests answered as expected, requests that failed, wall and CPU time.
struct Phase {
    requests: u64,
    failed: u64,
    seconds: f64,
    cpu: Cpu,
}

impl Phase {
    fn rps(&self) -> f64 {
        if self.seconds > 0.0 {
            self.requests as f64 / self.seconds
        } else {
            0.0
        }
    }
}

fn spawn_lanes<T: Send, F>(lanes: usize, lane: F) -> Vec<T>
where
    F: Fn(usize) -> T + Sync,
{
    thread::scope(|scope| {
        let handles: Vec<_> = (0..lanes)
            .map(|i| {
                let lane = &lane;
                thread::Builder::new()
                    .stack_size(LANE_STACK)
                    .spawn_scoped(scope, move || lane(i))
                    .expect("cannot start a lane")
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a lane panicked"))
            .collect()
    })
}

/// `call` from every lane until `seconds` have passed: (successful requests, failed ones).
fn hammer<S: Send, F>(lanes: Vec<S>, seconds: f64, call: F) -> Phase
where
    F: Fn(&mut S) -> bool + Sync,
{
    let cpu = cpu_times();
    let started = Instant::now();
    let until = started + Duration::from_secs_f64(seconds);
    let slots: Vec<Mutex<Option<S>>> = lanes.into_iter().map(|s| Mutex::new(Some(s))).collect();
    let counts = spawn_lanes(slots.len(), |i| {
        let mut state = slots[i].lock().unwrap().take().unwrap();
        let (mut ok, mut failed) = (0u64, 0u64);
        while Instant::now() < until {
            if call(&mut state) {
                ok += 1;
            } else {
                failed += 1;
            }
        }
        (ok, failed)
    });
    Phase {
        requests: counts.iter().map(|c| c.0).sum(),
        failed: counts.iter().map(|c| c.1).sum(),
        seconds: started.elapsed().as_secs_f64(),
        cpu: cpu_times().since(cpu),
    }
}

fn main() {
    let config = parse_args();
    let socket = UdpSocket::bind(("127.0.0.1", config.udp_port)).unwrap_or_else(|e| {
        eprintln!(
            "loadgen: cannot bind UDP 127.0.0.1:{}: {e}",
            config.udp_port
        );
        exit(1)
    });
    let codes = Codes {
        by_key: Mutex::new(HashMap::new()),
        arrived: Condvar::new(),
    };
    let codes: &'static Codes = Box::leak(Box::new(codes));
    thread::Builder::new()
        .name("sms".into())
        .spawn(move || codes.receive(socket))
        .expect("cannot start the UDP receiver");
    let cpu_at_start = cpu_times();

    // 1. trivial: GET /healthz
    let trivial = hammer(
        (0..config.lanes)
            .map(|_| Vec::with_capacity(4096))
            .collect(),
        config.phase_seconds,
        |buf| {
            let request = Request {
                method: "GET",
                path: "/healthz",
                body: None,
                token: None,
                address: "10.255.255.254",
            };
            matches!(http::call(config.server, &request, buf), Ok(r) if r.status == 200)
        },
    );
    eprintln!("trivial endpoint: {:.0}/s", trivial.rps());

    // 2. answer saves alone: workers N..N+lanes-1 sign in and start, then repeat their answer
    let mut phase_stats = Stats::default();
    let prepared = spawn_lanes(config.lanes, |i| {
        let n = config.sittings + i;
        let mut lane = Lane::new(&config, codes);
        let sitting = lane
            .sign_in(n)
            .and_then(|token| Ok((token.clone(), lane.start(n, &token)?)));
        (n, sitting.ok(), lane.stats, lane.buf)
    });
    let mut ready = Vec::new();
    for (n, sitting, stats, buf) in prepared {
        phase_stats.merge(stats);
        if let Some((token, sitting)) = sitting {
            ready.push((n, token, sitting, Rng::new(n as u64), buf));
        }
    }
    let mode = config.mode;
    let answer = hammer(
        ready,
        config.phase_seconds,
        |(n, token, sitting, rng, buf)| {
            let body = match mode {
                Mode::Batch => batch_body(sitting, rng),
                Mode::Single => {
                    single_body(&sitting.questions[rng.below(sitting.questions.len())], rng)
                }
            };
            let path = format!("/api/v1/quiz/sittings/{}/answers", sitting.id);
            let address = address_of(*n);
            let request = Request {
                method: "POST",
                path: &path,
                body: Some(&body),
                token: Some(token),
                address: &address,
            };
            matches!(http::call(config.server, &request, buf), Ok(r) if r.status == 200)
        },
    );
    eprintln!("answer saves alone: {:.0}/s", answer.rps());

    // 3. the replay: workers 0..N-1 handed out to the lanes
    let next = AtomicUsize::new(0);
    let done = AtomicU64::new(0);
    let cpu = cpu_times();
    let started = Instant::now();
    let lanes = spawn_lanes(config.lanes, |_| {
        let mut lane = Lane::new(&config, codes);
        loop {
            let n = next.fetch_add(1, Ordering::Relaxed);
            if n >= config.sittings {
                break;
            }
            if lane.worker(n).is_ok() {
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                if finished.is_multiple_of(PROGRESS_EVERY) {
                    eprintln!("  {finished} sittings");
                }
            }
        }
        (lane.stats, lane.requests, lane.failed)
    });
    let seconds = started.elapsed().as_secs_f64();
    let mut stats = Stats::default();
    let (mut sent, mut failed) = (0, 0);
    for (lane_stats, lane_sent, lane_failed) in lanes {
        stats.merge(lane_stats);
        sent += lane_sent;
        failed += lane_failed;
    }
    let replay = Phase {
        requests: sent - failed,
        failed,
        seconds,
        cpu: cpu_times().since(cpu),
    };
    let total_cpu = cpu_times().since(cpu_at_start);
    println!(
        "{}",
        report(
            &config,
            &trivial,
            &answer,
            &replay,
            done.load(Ordering::Relaxed),
            &mut stats,
            &phase_stats,
            total_cpu
        )
    );
}

/// Python's bench percentile: the value at round(p% of the way) through the sorted list.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = (p / 100.0 * (sorted.len() - 1) as f64).round_ties_even() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn failures_json(failures: &HashMap<String, u64>) -> String {
    let mut items: Vec<_> = failures.iter().collect();
    items.sort();
    let items: Vec<String> = items
        .iter()
        .map(|(label, count)| format!("{}: {count}", quote(label)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

fn phase_json(phase: &Phase) -> String {
    format!(
        "{{\"requests\": {}, \"failed\": {}, \"seconds\": {:.3}, \"rps\": {:.1}, \"cpu_seconds\": {:.3}, \
         \"cpu_user_seconds\": {:.3}, \"cpu_system_seconds\": {:.3}}}",
        phase.requests,
        phase.failed,
        phase.seconds,
        phase.rps(),
        phase.cpu.total(),
        phase.cpu.user,
        phase.cpu.system
    )
}

#[allow(clippy::too_many_arguments)]
fn report(
    config: &Config,
    trivial: &Phase,
    answer: &Phase,
    replay: &Phase,
    done: u64,
    stats: &mut Stats,
    phase_stats: &Stats,
    total_cpu: Cpu,
) -> String {
    let mut steps = Vec::new();
    for (name, values) in STEPS.iter().zip(stats.latency.iter_mut()) {
        if values.is_empty() {
            continue;
        }
        values.sort_by(f64::total_cmp);
        steps.push(format!(
            "{}: {{\"count\": {}, \"p50_ms\": {:.1}, \"p95_ms\": {:.1}, \"p99_ms\": {:.1}}}",
            quote(name),
            values.len(),
            percentile(values, 50.0) * 1000.0,
            percentile(values, 95.0) * 1000.0,
            percentile(values, 99.0) * 1000.0
        ));
    }
    let mut phase_failures = phase_stats.failures.clone();
    if answer.failed > 0 {
        phase_failures.insert("answer_phase failed".into(), answer.failed);
    }
    if trivial.failed > 0 {
        phase_failures.insert("trivial_phase failed".into(), trivial.failed);
    }
    format!(
        "{{\"trivial_rps\": {:.1}, \"answer_rps\": {:.1}, \"seconds\": {:.3}, \"done\": {done}, \
         \"sittings\": {}, \"lanes\": {}, \"answers\": {}, \"failures\": {}, \"phase_failures\": {}, \
         \"steps\": {{{}}}, \"cpu_seconds\": {:.3}, \
         \"cpu_user_seconds\": {:.3}, \"cpu_system_seconds\": {:.3}, \
         \"phases\": {{\"trivial\": {}, \"answer\": {}, \"replay\": {}}}}}",
        trivial.rps(),
        answer.rps(),
        replay.seconds,
        config.sittings,
        config.lanes,
        quote(if config.mode == Mode::Batch { "batch" } else { "single" }),
        failures_json(&stats.failures),
        failures_json(&phase_failures),
        steps.join(", "),
        total_cpu.total(),
        total_cpu.user,
        total_cpu.system,
        phase_json(trivial),
        phase_json(answer),
        phase_json(replay),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(multiple: bool, letters: &[&str]) -> Question {
        Question {
            id: "7".into(),
            multiple,
            letters: letters.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn letters_are_distinct_sorted_and_seeded() {
        let q = question(true, &["A", "B", "C", "D", "E"]);
        let mut rng = Rng::new(3);
        for _ in 0..1000 {
            let pair = choose(&q, &mut rng);
            let b = pair.as_bytes();
            assert!(pair.len() == 2 && b[0] < b[1], "{pair}");
        }
        let q = question(false, &["A", "B"]);
        let picks: Vec<String> = (0..5).map(|_| choose(&q, &mut Rng::new(9))).collect();
        assert!(picks.iter().all(|p| p == &picks[0]));
    }

    #[test]
    fn bodies_are_json() {
        let sitting = Sitting {
            id: "1".into(),
            questions: vec![question(true, &["A", "B"]), question(false, &["A"])],
        };
        let mut rng = Rng::new(1);
        let batch = json::parse(batch_body(&sitting, &mut rng).as_bytes()).unwrap();
        assert_eq!(
            batch
                .get("answers")
                .and_then(|a| a.get("7"))
                .and_then(Json::as_str)
                .map(str::len),
            Some(2)
        );
        let single = json::parse(single_body(&sitting.questions[1], &mut rng).as_bytes()).unwrap();
        assert_eq!(single.get("question"), Some(&Json::Num("7".into())));
        assert_eq!(single.get("answer").and_then(Json::as_str), Some("A"));
    }

    #[test]
    fn percentiles_match_the_python_bench() {
        let values: Vec<f64> = (0..101).map(f64::from).collect();
        assert_eq!(percentile(&values, 50.0), 50.0);
        assert_eq!(percentile(&values, 99.0), 99.0);
        assert_eq!(percentile(&[0.0, 1.0], 50.0), 0.0); // round(0.5) == 0 in Python
        assert_eq!(address_of(70_000), "10.1.17.112");
        assert_eq!(phone_of(42), "13900000042");
    }
}
