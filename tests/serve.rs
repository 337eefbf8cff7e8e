//! `elfin serve` end to end on loopback, with curl as the client, and in
//! headless Chromium.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// The server on a free port; its log lines collected.
struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_elfin"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let addr = first
            .rsplit("http://")
            .next()
            .unwrap()
            .trim_end_matches('/')
            .to_owned();
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for l in lines.map_while(Result::ok) {
                sink.lock().unwrap().push(l);
            }
        });
        Server { child, addr, log }
    }

    /// `curl -F file=@path URL/route`: status and body.
    fn post(&self, route: &str, path: &Path) -> (u16, Vec<u8>) {
        let out = Command::new("curl")
            .args(["-s", "-o", "-", "-w", "\n%{http_code}", "-F"])
            .arg(format!("file=@{}", path.display()))
            .arg(format!("http://{}{route}", self.addr))
            .output()
            .unwrap();
        split_status(out.stdout)
    }

    fn get(&self, route: &str) -> (u16, Vec<u8>) {
        let out = Command::new("curl")
            .args(["-s", "-o", "-", "-w", "\n%{http_code}"])
            .arg(format!("http://{}{route}", self.addr))
            .output()
            .unwrap();
        split_status(out.stdout)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn split_status(mut out: Vec<u8>) -> (u16, Vec<u8>) {
    let nl = out.iter().rposition(|&b| b == b'\n').unwrap();
    let status = std::str::from_utf8(&out[nl + 1..])
        .unwrap()
        .parse()
        .unwrap_or(0);
    out.truncate(nl);
    (status, out)
}

fn have(tool: &str, test: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !ok {
        println!("SKIP: {test}: {tool} not found");
    }
    ok
}

/// Section names as `readelf -SW` lists them (without section 0).
fn readelf_sections(path: &Path) -> Vec<String> {
    let out = Command::new("readelf")
        .arg("-SW")
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let rest = l.strip_prefix('[')?;
            let (num, rest) = rest.split_once(']')?;
            let n: usize = num.trim().parse().ok()?;
            let name = rest.split_whitespace().next()?;
            (n > 0).then(|| name.to_owned())
        })
        .collect()
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("elfin-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Checks an SVG: it parses as XML, names every section readelf lists, and
/// has one row or band for each 4 KiB page of the file.
fn check_svg(svg: &[u8], file: &Path) {
    let text = std::str::from_utf8(svg).unwrap();
    let doc = roxmltree::Document::parse(text).unwrap();
    let words: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n");
    for name in readelf_sections(file) {
        // readelf -W still cuts names past 17 characters with `[...]`.
        let name = name.trim_end_matches("[...]");
        assert!(
            words.contains(name),
            "{}: {name} not in the SVG",
            file.display()
        );
    }
    let pages: u64 = doc
        .descendants()
        .filter(|n| matches!(n.attribute("class"), Some("page" | "band")))
        .map(|n| n.attribute("data-pages").unwrap().parse::<u64>().unwrap())
        .sum();
    let size = std::fs::metadata(file).unwrap().len();
    assert_eq!(pages, size.div_ceil(4096), "{}", file.display());
}

fn real_files() -> Vec<std::path::PathBuf> {
    [
        "/usr/bin/ls",
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
        "/usr/lib/x86_64-linux-gnu/Scrt1.o",
        env!("CARGO_BIN_EXE_elfin"),
    ]
    .iter()
    .map(std::path::PathBuf::from)
    .filter(|p| p.exists())
    .collect()
}

#[test]
fn uploads_on_loopback() {
    if !have("curl", "uploads_on_loopback") || !have("readelf", "uploads_on_loopback") {
        return;
    }
    let server = Server::start(&[]);
    let mut requests = 0;
    for file in real_files() {
        let (status, svg) = server.post("/map.svg", &file);
        assert_eq!(status, 200, "{}", file.display());
        check_svg(&svg, &file);
        let (status, page) = server.post("/map", &file);
        assert_eq!(status, 200);
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains("<svg") && page.contains("Summary"));
        let (status, json) = server.post("/map.json", &file);
        assert_eq!(status, 200);
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(
            v["file_size"].as_u64().unwrap(),
            std::fs::metadata(&file).unwrap().len()
        );
        requests += 3;
    }

    // What the reader refuses: 422 with its message; the server goes on.
    let garbage = tmp("garbage");
    std::fs::write(&garbage, b"this is not an ELF file, only text").unwrap();
    let empty = tmp("empty");
    std::fs::write(&empty, b"").unwrap();
    let truncated = tmp("truncated");
    let ls = std::fs::read("/usr/bin/ls").unwrap();
    std::fs::write(&truncated, &ls[..40]).unwrap();
    for f in [&garbage, &empty, &truncated] {
        let (status, body) = server.post("/map", f);
        assert_eq!(status, 422, "{}", f.display());
        let body = String::from_utf8(body).unwrap();
        assert!(body.contains("at 0x"), "no reader message: {body}");
        assert_eq!(server.get("/").0, 200);
        requests += 2;
    }

    // A cut file the reader still opens (its section header table is gone):
    // drawn, with the reader's message in the picture.
    let cut = tmp("cut");
    std::fs::write(&cut, &ls[..ls.len() / 2]).unwrap();
    let (status, svg) = server.post("/map.svg", &cut);
    assert_eq!(status, 200);
    let svg = String::from_utf8(svg).unwrap();
    roxmltree::Document::parse(&svg).unwrap();
    assert!(
        svg.contains("error: section header table"),
        "no reader message"
    );
    requests += 1;

    // 300 MiB (sparse on disk) against the default 256 MiB limit.
    let big = tmp("big");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(300 << 20)
        .unwrap();
    assert_eq!(server.post("/map", &big).0, 413);
    std::fs::remove_file(&big).unwrap();
    assert_eq!(server.get("/").0, 200);
    requests += 2;

    // 50 at once.
    let ls_path = Path::new("/usr/bin/ls");
    let server = Arc::new(server);
    let threads: Vec<_> = (0..50)
        .map(|_| {
            let s = server.clone();
            std::thread::spawn(move || s.post("/map.svg", ls_path).0)
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
    requests += 50;

    // One log line per request (the first line is the address).
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = server.log.lock().unwrap();
    assert_eq!(log.len(), requests, "{log:?}");
    assert!(log.iter().any(|l| l.contains("POST /map 413")));
}

#[test]
fn smaller_limit_gives_413() {
    if !have("curl", "smaller_limit_gives_413") {
        return;
    }
    let server = Server::start(&["--max-upload", "64K"]);
    assert_eq!(server.post("/map.svg", Path::new("/usr/bin/ls")).0, 413);
    let small = tmp("small.o");
    let ls = std::fs::read("/usr/bin/ls").unwrap();
    std::fs::write(&small, &ls[..32 << 10]).unwrap();
    // Under the limit: read, then refused or drawn by the reader's verdict.
    assert_ne!(server.post("/map.svg", &small).0, 413);
}

#[test]
fn chromium_shows_the_result_page() {
    let chromium = "/usr/bin/chromium";
    if !Path::new(chromium).exists() {
        println!("SKIP: chromium_shows_the_result_page: chromium not found");
        return;
    }
    if !have("readelf", "chromium_shows_the_result_page") {
        return;
    }
    let server = Server::start(&[]);
    let url = format!("http://{}/example", server.addr);
    let profile = tmp("chromium-profile");
    let png = tmp("example.png");
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,1600",
    ];
    let shot = Command::new(chromium)
        .args(flags)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(png.exists(), "{}", String::from_utf8_lossy(&shot.stderr));
    let decoder = png::Decoder::new(std::fs::File::open(&png).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let pixels = bytes.chunks(channels);
    let total = pixels.len();
    let coloured = bytes
        .chunks(channels)
        .filter(|p| p.iter().take(3).any(|&c| c < 200))
        .count();
    assert!(
        coloured * 20 > total,
        "the screenshot is blank: {coloured} of {total} pixels not white"
    );

    let dom = Command::new(chromium)
        .args(flags)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    for name in readelf_sections(Path::new(env!("CARGO_BIN_EXE_elfin"))) {
        let name = name.trim_end_matches("[...]");
        assert!(dom.contains(name), "{name} not on the page");
    }
}
