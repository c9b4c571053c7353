//! HTTP/1.1 over a blocking `TcpStream`: one new connection per request with
//! `Connection: close`, as a phone on a mobile network makes them.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub body: Option<&'a str>,
    pub token: Option<&'a str>,
    /// The simulated phone's own address, sent as `X-Forwarded-For`.
    pub address: &'a str,
}

#[derive(Debug)]
pub enum Failure {
    Io,
    Timeout,
    /// Not an HTTP response, or a body that could not be read.
    Malformed,
}

impl Failure {
    pub fn label(&self) -> &'static str {
        match self {
            Failure::Io => "io",
            Failure::Timeout => "timeout",
            Failure::Malformed => "malformed",
        }
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Sends `request` on a fresh connection and reads the response until the server closes it.
/// `buf` is the lane's reusable read buffer.
pub fn call(server: SocketAddr, request: &Request, buf: &mut Vec<u8>) -> Result<Response, Failure> {
    let deadline = Instant::now() + TIMEOUT;
    let mut head = String::with_capacity(256);
    head.push_str(request.method);
    head.push(' ');
    head.push_str(request.path);
    head.push_str(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Forwarded-For: ");
    head.push_str(request.address);
    head.push_str("\r\n");
    if let Some(token) = request.token {
        head.push_str("Authorization: Bearer ");
        head.push_str(token);
        head.push_str("\r\n");
    }
    if let Some(body) = request.body {
        head.push_str("Content-Type: application/json\r\nContent-Length: ");
        head.push_str(&body.len().to_string());
        head.push_str("\r\n\r\n");
        head.push_str(body);
    } else {
        head.push_str("\r\n");
    }

    // Few system calls: the request is one small write into an empty send buffer (no
    // Nagle delay, cannot block), and the read timeout is set once; the deadline bounds it all.
    let mut stream = TcpStream::connect_timeout(&server, TIMEOUT).map_err(io_failure)?;
    stream.write_all(head.as_bytes()).map_err(io_failure)?;
    stream.set_read_timeout(Some(TIMEOUT)).map_err(io_failure)?;
    buf.clear();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_failure(e)),
        }
        if Instant::now() > deadline {
            return Err(Failure::Timeout);
        }
    }
    drop(stream);
    parse_response(buf)
}

fn io_failure(e: std::io::Error) -> Failure {
    match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => Failure::Timeout,
        _ => Failure::Io,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_response(raw: &[u8]) -> Result<Response, Failure> {
    if raw.len() < 12 || !raw.starts_with(b"HTTP/1.") {
        return Err(Failure::Malformed);
    }
    let status = std::str::from_utf8(&raw[9..12])
        .ok()
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or(Failure::Malformed)?;
    let head_end = find(raw, b"\r\n\r\n").ok_or(Failure::Malformed)?;
    let head = &raw[..head_end];
    let mut body = &raw[head_end + 4..];
    let mut chunked = false;
    for line in head.split(|&b| b == b'\n').skip(1) {
        let line = std::str::from_utf8(line).unwrap_or("").trim();
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked") {
            chunked = true;
        } else if name.eq_ignore_ascii_case("content-length") {
            let length: usize = value.parse().map_err(|_| Failure::Malformed)?;
            if body.len() < length {
                return Err(Failure::Malformed); // closed before the whole body came
            }
            body = &body[..length];
        }
    }
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_vec()
    };
    Ok(Response { status, body })
}

fn dechunk(mut raw: &[u8]) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::with_capacity(raw.len());
    loop {
        let line_end = find(raw, b"\r\n").ok_or(Failure::Malformed)?;
        let size_text = std::str::from_utf8(&raw[..line_end]).map_err(|_| Failure::Malformed)?;
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| Failure::Malformed)?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if raw.len() < size + 2 {
            return Err(Failure::Malformed);
        }
        out.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_chunked() {
        let r = parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}").unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"{}"[..]));
        let r = parse_response(
            b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!((r.status, r.body.as_slice()), (404, &b"abcde"[..]));
        assert!(parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}").is_err());
        assert!(parse_response(b"garbage").is_err());
    }
}
