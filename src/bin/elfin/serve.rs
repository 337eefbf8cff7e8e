//! `elfin serve [--addr 127.0.0.1:8080] [--max-upload 256M]`: the page map
//! as a web form. `GET /` the form; `POST /map` (multipart, field `file`)
//! the picture and the `info` summary on one page; `POST /map.svg` and
//! `POST /map.json` the picture alone for scripts
//! (`curl -F file=@/usr/bin/ls http://127.0.0.1:8080/map.svg`); `GET
//! /example` the page of the server's own executable.
//!
//! axum on tokio: a maintained HTTP stack (hyper underneath) that gives
//! multipart parsing, body limits and per-connection tasks, so this file
//! holds only the routes. Uploads stay in memory, are never written to
//! disk, and stop at `--max-upload` (413); what the reader cannot open
//! gets 422 with its message. Every connection is its own task and each
//! request has a deadline (408), so a slow client holds only its own
//! connection. One line per request goes to stderr.

mod pages;

use crate::files::Failure;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Serve the page map as a web form: upload an ELF file, get its picture.
#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on (port 0: any free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Largest upload accepted (`256M`, `1G`, bytes); larger ones get 413.
    #[arg(long, default_value = "256M", value_parser = crate::pagemap::parse_size)]
    max_upload: u64,
    /// Seconds a request may take, upload included, before it gets 408.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
}

struct Config {
    max_upload: u64,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new("tokio runtime", e))?;
    runtime.block_on(serve(args))
}

async fn serve(args: Args) -> Result<(), Failure> {
    let config = Arc::new(Config {
        max_upload: args.max_upload,
    });
    // Multipart framing adds a few hundred bytes around the file.
    let body_limit =
        usize::try_from(args.max_upload.saturating_add(64 << 10)).unwrap_or(usize::MAX);
    let app = Router::new()
        .route("/", get(pages::form))
        .route("/example", get(example))
        .route("/map", post(map_page))
        .route("/map.svg", post(map_svg))
        .route("/map.json", post(map_json))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(args.timeout),
        ))
        .layer(middleware::from_fn(log))
        .with_state(config);
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| Failure::new(&args.addr.to_string(), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::new("listener", e))?;
    eprintln!("elfin serve: listening on http://{addr}/");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
    .map_err(|e| Failure::new("server", e))
}

/// One line per request: peer, method, path, status, response size, time.
async fn log(ConnectInfo(peer): ConnectInfo<SocketAddr>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    let size = response
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    eprintln!(
        "{peer} {method} {path} {} {size} {:.1}ms",
        response.status().as_u16(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    response
}

/// A failed request: status and message (shown as a page or as text).
pub struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let html = pages::error(self.0, &self.1);
        (
            self.0,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response()
    }
}

/// The uploaded file (field `file`, or the first file field), read into
/// memory up to the limit.
async fn upload(config: &Config, mut form: Multipart) -> Result<(String, Vec<u8>), Refusal> {
    let too_large = || {
        Refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the upload is larger than {} bytes", config.max_upload),
        )
    };
    let bad = |e: axum::extract::multipart::MultipartError| {
        let status = e.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            return too_large();
        }
        Refusal(
            status,
            format!("the upload could not be read: {}", e.body_text()),
        )
    };
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        if field.name() != Some("file") && field.file_name().is_none() {
            continue;
        }
        let name = field.file_name().unwrap_or("upload").to_owned();
        let mut bytes = Vec::new();
        let mut over = false;
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if over || (bytes.len() + chunk.len()) as u64 > config.max_upload {
                // Keep reading, storing nothing (see the body limit).
                over = true;
                bytes = Vec::new();
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        if over {
            return Err(too_large());
        }
        return Ok((name, bytes));
    }
    Err(Refusal(
        StatusCode::BAD_REQUEST,
        "no file in the form (field `file`)".to_owned(),
    ))
}

/// Refuses what announces itself as too large before reading it, when the
/// client waits for `100 Continue` (curl does for large bodies): it then
/// sends nothing. Others are refused after their body (see the limit).
fn announced_size(config: &Config, headers: &axum::http::HeaderMap) -> Result<(), Refusal> {
    let waits = headers
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    match content_length(headers) {
        Some(n) if waits && n > config.max_upload.saturating_add(64 << 10) => Err(Refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the upload ({n} bytes) is larger than {} bytes",
                config.max_upload
            ),
        )),
        _ => Ok(()),
    }
}

/// What the server draws: the page map and the `info` summary, or the
/// reader's refusal (422).
struct Drawn {
    name: String,
    svg: String,
    json: String,
    info: String,
}

async fn draw(name: String, bytes: Vec<u8>) -> Result<Drawn, Refusal> {
    // The work is CPU-bound: off the async threads.
    tokio::task::spawn_blocking(move || {
        let elf = elfin::ElfFile::parse(&bytes)
            .map_err(|e| Refusal(StatusCode::UNPROCESSABLE_ENTITY, format!("{name}: {e}")))?;
        let map = elfin::pagemap::PageMap::new(&elf, elfin::pagemap::DEFAULT_PAGE_SIZE)
            .map_err(|e| Refusal(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        let mut info = Vec::new();
        // An info summary that fails midway still shows what it wrote.
        let _ = crate::text::write(&mut info, &elf, &name);
        Ok(Drawn {
            svg: elfin::pagemap::svg::render(&map, &name),
            json: serde_json::to_string(&map).unwrap_or_default(),
            info: String::from_utf8_lossy(&info).into_owned(),
            name,
        })
    })
    .await
    .map_err(|e| Refusal(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
}

fn content_length(headers: &axum::http::HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

macro_rules! upload_handler {
    ($name:ident, |$d:ident| $body:expr) => {
        async fn $name(
            State(config): State<Arc<Config>>,
            headers: axum::http::HeaderMap,
            form: Multipart,
        ) -> Result<Response, Refusal> {
            announced_size(&config, &headers)?;
            let (name, bytes) = upload(&config, form).await?;
            let $d = draw(name, bytes).await?;
            Ok($body)
        }
    };
}

upload_handler!(map_page, |d| (
    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
    pages::result(&d.name, &d.svg, &d.info)
)
    .into_response());
upload_handler!(map_svg, |d| (
    [(header::CONTENT_TYPE, "image/svg+xml")],
    d.svg
)
    .into_response());
upload_handler!(map_json, |d| (
    [(header::CONTENT_TYPE, "application/json")],
    d.json
)
    .into_response());

/// The page of the server's own executable: a result page any browser can
/// open without uploading (the browser test screenshots it).
async fn example() -> Result<Response, Refusal> {
    let path = std::env::current_exe()
        .map_err(|e| Refusal(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let bytes = tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .map_err(|e| Refusal(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(|e| Refusal(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let d = draw("elfin".to_owned(), bytes).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::from(pages::result(&d.name, &d.svg, &d.info)),
    )
        .into_response())
}
