//! LightGBM's socket network for distributed training (`LGBM_NetworkInit` / `LGBM_NetworkFree`).
//!
//! LightGBM keeps its network in thread-local state: the thread that joins is the one that must
//! build the datasets and train, so [`Network`] stays on its thread (neither `Send` nor `Sync`).
//!
//! LightGBM's socket layer reads a peer that has gone away (orderly close, e.g. a killed
//! process) as "nothing received yet" and spins on `recv` forever. [`NetworkInterrupt`] breaks a
//! worker out: it swaps each of LightGBM's sockets — found in `/proc/self/fd` by their addresses
//! — for an unconnected socket (`dup2`, atomic), so the blocked call fails and LightGBM returns
//! an ordinary error code. It never touches a socket while LightGBM opens or closes them: only
//! between a completed `LGBM_NetworkInit` and `LGBM_NetworkFree`, under one lock.
//!
//! XGBoost's collective has the same weakness after a failure: a worker whose peer left stays in a
//! poll until `dmlc_timeout`, and its `XGCommunicatorFinalize` first waits for that pending
//! operation — minutes each, several times over (the tracker, the peers and the finalizing
//! workers wait on one another). XGBoost does not expose its sockets, so for XGBoost the links are
//! the sockets this process opened after the worker began to join (see
//! [`NetworkInterrupt::track_new_sockets`]); a worker runs one job at a time in its own process
//! (`npm run worker`), where those are XGBoost's.
//!
//! LightGBM binds its listen port without `SO_REUSEADDR`, so a link closed the ordinary way
//! leaves the port in TIME_WAIT for a minute and the next run on that worker could not bind it.
//! Every link is therefore set to close with a reset (`SO_LINGER` 0) — at the end of the run,
//! when a crash or a kill closes it, or when it is interrupted. A reset drops unsent data, so a
//! worker leaves the network only once the whole run is over (see `distributed::worker`).
use super::{check, CollectiveSpec};
use crate::error::{EngineError, Result};
use lightgbm3_sys as sys;
use std::ffi::CString;
use std::marker::PhantomData;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// What identifies this worker's training-network sockets.
enum LiveNetwork {
    /// LightGBM's: accepted on its listen port, or connected to a machine of the list.
    Lightgbm { own_port: u16, peers: Vec<SocketAddr> },
    /// XGBoost's: the TCP sockets that were not open (by inode) before the worker joined.
    Xgboost { before: std::collections::HashSet<u64> },
}

/// Breaks a worker out of LightGBM's network from another thread (abort, cancel, a lost peer).
#[derive(Default)]
pub struct NetworkInterrupt {
    live: Mutex<Option<LiveNetwork>>,
    interrupted: AtomicBool,
}

impl NetworkInterrupt {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes every blocked or later network call of this worker fail, and a later join refuse.
    pub fn interrupt(&self) {
        self.interrupted.store(true, Ordering::SeqCst);
        let live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(live) = live.as_ref() {
            replace_sockets(live);
        }
    }

    pub fn is_interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }

    /// The sockets open now, taken before an XGBoost worker joins its collective: whatever TCP
    /// socket appears after it is XGBoost's (see the module doc).
    pub(crate) fn open_sockets() -> std::collections::HashSet<u64> {
        let mut inodes = std::collections::HashSet::new();
        each_fd_socket(|_, inode| {
            inodes.insert(inode);
        });
        inodes
    }

    /// From now until [`NetworkInterrupt::untrack`], an interrupt breaks the TCP sockets opened
    /// since `before` was taken. Called once XGBoost's collective is up (never while XGBoost
    /// opens its sockets).
    pub(crate) fn track_new_sockets(&self, before: std::collections::HashSet<u64>) {
        *self.live.lock().unwrap_or_else(|p| p.into_inner()) = Some(LiveNetwork::Xgboost { before });
    }

    /// Breaks the tracked sockets now (a failed fit, before it leaves the collective), without
    /// marking the run interrupted.
    pub(crate) fn break_links(&self) {
        if let Some(live) = self.live.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            replace_sockets(live);
        }
    }

    /// Stops tracking (before XGBoost closes its sockets); the lock waits for a running interrupt.
    pub(crate) fn untrack(&self) {
        *self.live.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// Calls `f` with each socket descriptor of this process and its inode.
#[cfg(target_os = "linux")]
fn each_fd_socket(mut f: impl FnMut(std::os::fd::RawFd, u64)) {
    use std::os::fd::RawFd;
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else { return };
    for entry in dir.flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse::<RawFd>().ok()) else { continue };
        let Ok(link) = std::fs::read_link(entry.path()) else { continue };
        // "socket:[12345]"
        let inode = link.to_str().and_then(|l| l.strip_prefix("socket:[")?.strip_suffix(']')?.parse::<u64>().ok());
        if let Some(inode) = inode {
            f(fd, inode);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn each_fd_socket(_f: impl FnMut(i32, u64)) {}

/// Calls `f` with each training-network socket of this worker.
#[cfg(target_os = "linux")]
fn each_socket(live: &LiveNetwork, mut f: impl FnMut(std::os::fd::RawFd, u64)) {
    use std::mem::ManuallyDrop;
    use std::os::fd::FromRawFd;
    each_fd_socket(|fd, inode| {
        // SAFETY: the fd is only borrowed to read its addresses; ManuallyDrop never closes it.
        let socket = ManuallyDrop::new(unsafe { TcpStream::from_raw_fd(fd) });
        let Ok(local) = socket.local_addr() else { return };
        if !is_stream(fd) {
            return;
        }
        let ours = match live {
            // Accepted links share the listen port; outgoing ones point at a machine of the list.
            LiveNetwork::Lightgbm { own_port, peers } => {
                socket.peer_addr().is_ok_and(|peer| local.port() == *own_port || peers.contains(&peer))
            }
            // A TCP socket (it has an inet address) opened since the join began: links, listeners.
            LiveNetwork::Xgboost { before } => !before.contains(&inode),
        };
        if ours {
            f(fd, inode);
        }
    });
}

#[cfg(not(target_os = "linux"))]
fn each_socket(_live: &LiveNetwork, _f: impl FnMut(i32, u64)) {}

/// Whether `fd` is a stream (TCP) socket: a UDP one also has an inet address.
#[cfg(target_os = "linux")]
fn is_stream(fd: std::os::fd::RawFd) -> bool {
    let mut kind: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `fd` is an open descriptor (the caller holds the lock that keeps it open); the call
    // writes at most `len` bytes into `kind`.
    let ok = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_TYPE,
            &mut kind as *mut libc::c_int as *mut libc::c_void,
            &mut len,
        )
    } == 0;
    ok && kind == libc::SOCK_STREAM
}

/// Makes LightGBM's links close with a reset, leaving no TIME_WAIT on the listen port.
fn reset_on_close(live: &LiveNetwork) {
    each_socket(live, |fd, _| {
        let linger = libc::linger { l_onoff: 1, l_linger: 0 };
        // SAFETY: `fd` is LightGBM's open socket (the caller holds the lock that keeps it from
        // being closed); setsockopt reads `linger` for the given size only.
        unsafe {
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                &linger as *const libc::linger as *const libc::c_void,
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    });
}

/// Shuts each training-network socket down and swaps it for an unconnected one: its blocked or
/// next call fails.
fn replace_sockets(live: &LiveNetwork) {
    each_socket(live, |fd, inode| {
        // SAFETY: `socket` creates a fresh descriptor; `dup2` atomically makes `fd` refer to that
        // unconnected socket; the spare descriptor is then closed. `fd` is the library's, still
        // open: LightGBM closes its sockets only in LGBM_NetworkFree, which waits for the lock
        // the caller holds; XGBoost may close a short-lived tracker connection meanwhile, so the
        // inode is checked again right before the swap (the descriptor number could have been
        // reused by another file).
        unsafe {
            let mut stat: libc::stat = std::mem::zeroed();
            if libc::fstat(fd, &mut stat) != 0 || stat.st_ino != inode {
                return;
            }
            // A call already blocked holds the old socket, whatever the descriptor then names:
            // shutting the socket down wakes it (XGBoost's poll, an accept) and tells the peer.
            libc::shutdown(fd, libc::SHUT_RDWR);
            // The same blocking mode: XGBoost's event loop checks that its sockets are
            // non-blocking, and a failed check there is an exception that ends the process.
            let flags = libc::fcntl(fd, libc::F_GETFL);
            let nonblocking = if flags >= 0 && flags & libc::O_NONBLOCK != 0 { libc::SOCK_NONBLOCK } else { 0 };
            let spare = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC | nonblocking, 0);
            if spare >= 0 {
                libc::dup2(spare, fd);
                libc::close(spare);
            }
        }
    });
}

thread_local! {
    /// The log line LightGBM is writing on this thread (it writes prefix, message and newline
    /// as three calls).
    static LOG_LINE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// LightGBM's log, on the training thread of a worker: the network set-up logs every step at
/// Info level before any parameter could lower it; keep warnings and errors (on stderr).
extern "C" fn log_warnings(chunk: *const std::os::raw::c_char) {
    if chunk.is_null() {
        return;
    }
    // SAFETY: LightGBM passes a NUL-terminated string that lives for the call.
    let text = unsafe { std::ffi::CStr::from_ptr(chunk) }.to_string_lossy();
    LOG_LINE.with(|line| {
        let mut line = line.borrow_mut();
        line.push_str(&text);
        if line.ends_with('\n') {
            if !line.contains("[Info]") && !line.contains("[Debug]") {
                eprint!("{line}");
            }
            line.clear();
        }
    });
}

/// How long a join waits for its listen port to be released: Linux keeps a closed link's port in
/// TIME_WAIT for 60 s.
const PORT_RELEASE_WAIT: std::time::Duration = std::time::Duration::from_secs(70);

/// Returns once `port` can be listened on. A port in use is tried again for up to
/// [`PORT_RELEASE_WAIT`]: a run that starts right after another on the same workers has found the
/// port still held (once, in CI), though every link of the last run is set to close with a reset.
/// LightGBM gives up at its first failed bind, so the wait is here; an interrupt ends it.
fn wait_for_port(port: u16, interrupt: &NetworkInterrupt) -> Result<()> {
    let started = std::time::Instant::now();
    let deadline = started + PORT_RELEASE_WAIT;
    let mut waited = false;
    loop {
        match std::net::TcpListener::bind(("0.0.0.0", port)) {
            Ok(_listener) => {
                // Closed again at the end of this arm: LightGBM binds the port next.
                if waited {
                    eprintln!(
                        "LightGBM network: port {port} was released after {:.1} s",
                        started.elapsed().as_secs_f64()
                    );
                }
                return Ok(());
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::AddrInUse
                    && std::time::Instant::now() < deadline
                    && !interrupt.is_interrupted() =>
            {
                // On the worker's stderr (its log), as LightGBM's own warnings are.
                if !waited {
                    eprintln!(
                        "LightGBM network: port {port} is in use; waiting up to {} s for it to be released",
                        PORT_RELEASE_WAIT.as_secs()
                    );
                    waited = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => {
                return Err(EngineError::WorkerFailed(format!("LightGBM network: cannot listen on port {port}: {e}")))
            }
        }
    }
}

thread_local! {
    /// Whether this thread is in LightGBM's network (joined by a worker for its whole run).
    static JOINED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread has joined LightGBM's network already.
pub(super) fn joined() -> bool {
    JOINED.with(|j| j.get())
}

/// Membership of LightGBM's network on this thread; leaving frees it.
pub struct Network<'a> {
    interrupt: &'a NetworkInterrupt,
    /// LightGBM's network is thread-local: keep the guard on the thread that joined.
    _same_thread: PhantomData<*const ()>,
}

impl<'a> Network<'a> {
    /// Joins on this thread (once: a second join on the same thread is an error).
    pub fn join(spec: &CollectiveSpec, interrupt: &'a NetworkInterrupt) -> Result<Network<'a>> {
        let CollectiveSpec::Lightgbm { machines, rank, time_out_minutes, .. } = spec else {
            return Err(EngineError::Internal("LightGBM network: not a LightGBM collective".into()));
        };
        let own = machines[*rank];
        if joined() {
            return Err(EngineError::Internal("this thread is in LightGBM's network already".into()));
        }
        if interrupt.is_interrupted() {
            return Err(EngineError::WorkerFailed("the run was stopped before the LightGBM network was set up".into()));
        }
        // LightGBM would only say "Binding port failed": name the port and the cause.
        wait_for_port(own.port(), interrupt)?;
        // SAFETY: registers a plain function for this thread's LightGBM log (thread-local there).
        unsafe { sys::LGBM_RegisterLogCallback(Some(log_warnings)) };
        let list = machines.iter().map(SocketAddr::to_string).collect::<Vec<_>>().join(",");
        let list = CString::new(list).expect("socket addresses contain no NUL");
        let n = i32::try_from(machines.len()).map_err(|_| EngineError::InvalidConfig("too many workers".into()))?;
        // SAFETY: `list` is a NUL-terminated machine list that outlives the call.
        let joined =
            unsafe { sys::LGBM_NetworkInit(list.as_ptr(), i32::from(own.port()), *time_out_minutes as i32, n) };
        check(joined, "network set-up").map_err(|e| EngineError::WorkerFailed(e.to_string()))?;
        JOINED.with(|j| j.set(true));
        let network = Network { interrupt, _same_thread: PhantomData };
        {
            let mut live = interrupt.live.lock().unwrap_or_else(|p| p.into_inner());
            let links = LiveNetwork::Lightgbm { own_port: own.port(), peers: machines.clone() };
            reset_on_close(&links);
            *live = Some(links);
        }
        if interrupt.is_interrupted() {
            return Err(EngineError::WorkerFailed("the run was stopped while the LightGBM network was set up".into()));
        }
        Ok(network)
    }
}

impl Drop for Network<'_> {
    fn drop(&mut self) {
        let mut live = self.interrupt.live.lock().unwrap_or_else(|p| p.into_inner());
        *live = None;
        // SAFETY: frees this thread's network, joined in `join`; the lock keeps `interrupt`
        // from touching the sockets while LightGBM closes them.
        unsafe { sys::LGBM_NetworkFree() };
        JOINED.with(|j| j.set(false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn a_join_waits_for_its_port_to_be_released() {
        let held = std::net::TcpListener::bind(("0.0.0.0", 0)).unwrap();
        let port = held.local_addr().unwrap().port();
        let started = Instant::now();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(held);
        });
        wait_for_port(port, &NetworkInterrupt::new()).unwrap();
        assert!(started.elapsed() >= Duration::from_millis(250), "returned while the port was held");
        release.join().unwrap();
    }

    #[test]
    fn an_interrupted_join_stops_waiting_for_its_port() {
        let held = std::net::TcpListener::bind(("0.0.0.0", 0)).unwrap();
        let port = held.local_addr().unwrap().port();
        let interrupt = NetworkInterrupt::new();
        interrupt.interrupt();
        let started = Instant::now();
        let err = wait_for_port(port, &interrupt).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(err.code(), "WORKER_FAILED");
        assert!(err.to_string().contains(&format!("cannot listen on port {port}")), "{err}");
    }
}
