//! A throw-away Virtuoso Open Source 7 server for the remote-store tests: its database in a
//! temporary folder, its SQL and HTTP ports on 127.0.0.1, a user `crosswalk` allowed to update
//! (see docs/remote-store.md). `None` when `virtuoso-t` is not installed.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crosswalk::store::remote::{RemoteConfig, RemoteStore};

/// The user the tests write as, and its password.
pub const USER: &str = "crosswalk";
pub const PASSWORD: &str = "crosswalk-test";

/// A running server; killed and its folder removed when dropped.
pub struct Virtuoso {
    dir: tempfile::TempDir,
    child: Option<Child>,
    /// The HTTP port.
    pub http: u16,
    sql: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

const INI: &str = "/etc/virtuoso-opensource-7/virtuoso.ini";

impl Virtuoso {
    /// Starts a server, or says why not and gives `None` when Virtuoso is not installed.
    pub fn start() -> Option<Self> {
        if !Path::new(INI).exists() || Command::new("virtuoso-t").arg("-?").output().is_err() {
            eprintln!("skipped: Virtuoso is not installed (apt-get install virtuoso-opensource)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let (sql, http) = (free_port(), free_port());
        let d = dir.path().display().to_string();
        let mut ini = String::new();
        for line in std::fs::read_to_string(INI).unwrap().lines() {
            let key = line.split('=').next().unwrap_or("").trim();
            let line = match key {
                "DirsAllowed" => {
                    format!("DirsAllowed = ., {d}, /usr/share/virtuoso-opensource-7/vad")
                }
                "ResultSetMaxRows" => "ResultSetMaxRows = 100000000".to_string(),
                "MaxQueryExecutionTime" => "MaxQueryExecutionTime = 0".to_string(),
                "ServerPort" if line.contains("1111") => format!("ServerPort = 127.0.0.1:{sql}"),
                "ServerPort" if line.contains("8890") => format!("ServerPort = 127.0.0.1:{http}"),
                "NumberOfBuffers" => "NumberOfBuffers = 170000".to_string(),
                "MaxDirtyBuffers" => "MaxDirtyBuffers = 130000".to_string(),
                _ => line.replace("/var/lib/virtuoso-opensource-7/db/", &format!("{d}/")),
            };
            ini.push_str(&line);
            ini.push('\n');
        }
        std::fs::write(dir.path().join("virtuoso.ini"), ini).unwrap();
        let mut v = Self {
            dir,
            child: None,
            http,
            sql,
        };
        v.run();
        let grants = format!(
            "DB.DBA.USER_CREATE ('{USER}', '{PASSWORD}');\n\
             GRANT SPARQL_UPDATE TO \"{USER}\";\n\
             DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{USER}', 3);\n"
        );
        let script = v.dir.path().join("grants.sql");
        std::fs::write(&script, grants).unwrap();
        let out = Command::new("isql-vt")
            .arg(format!("127.0.0.1:{sql}"))
            .args(["dba", "dba"])
            .arg(&script)
            .output()
            .expect("isql-vt runs");
        assert!(out.status.success(), "{out:?}");
        Some(v)
    }

    /// Starts `virtuoso-t` on the folder and waits until it answers over HTTP.
    fn run(&mut self) {
        let child = Command::new("virtuoso-t")
            .args(["-f", "-c", "virtuoso.ini"])
            .current_dir(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("virtuoso-t starts");
        self.child = Some(child);
        let start = Instant::now();
        let url = format!("{}?query=ASK%7B%7D", self.query_url());
        loop {
            if let Ok(r) = ureq::get(&url).call() {
                if r.status().is_success() {
                    return;
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "Virtuoso did not come up: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Kills the server (`kill -9`: no checkpoint, as a crash).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the killed server again on the same database (it recovers from its log).
    pub fn restart(&mut self) {
        self.kill();
        let _ = std::fs::remove_file(self.dir.path().join("virtuoso.lck"));
        self.run();
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap_or(0)
    }

    /// The server's log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("virtuoso.log")).unwrap_or_default()
    }

    /// The folder of the database.
    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// The Graph Store endpoint (digest authentication).
    pub fn graph_store_url(&self) -> String {
        format!("http://127.0.0.1:{}/sparql-graph-crud-auth", self.http)
    }

    /// The public SPARQL query endpoint.
    pub fn query_url(&self) -> String {
        format!("http://127.0.0.1:{}/sparql", self.http)
    }

    /// The authenticated SPARQL endpoint, which takes updates.
    pub fn update_url(&self) -> String {
        format!("http://127.0.0.1:{}/sparql-auth", self.http)
    }

    /// A client configuration writing as the test user, with batched updates.
    pub fn config(&self) -> RemoteConfig {
        let mut c = RemoteConfig::new(self.graph_store_url(), self.query_url());
        c.update = Some(self.update_url());
        c.user = Some(USER.into());
        c.password = Some(PASSWORD.into());
        c
    }

    /// A client.
    pub fn store(&self) -> RemoteStore {
        RemoteStore::new(self.config())
    }
}

impl Drop for Virtuoso {
    fn drop(&mut self) {
        self.kill();
    }
}
