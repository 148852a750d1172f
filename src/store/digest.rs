//! HTTP Digest access authentication (RFC 7616), the client side, as Virtuoso's authenticated
//! SPARQL and Graph Store endpoints ask for it: `qop=auth` with MD5 or SHA-256, and Basic where a
//! server offers only that.
//!
//! ```
//! use crosswalk::store::digest::Challenge;
//!
//! let c = Challenge::parse(r#"Digest realm="SPARQL", nonce="abc", qop="auth", opaque="xyz""#)
//!     .unwrap();
//! let header = c.authorization("PUT", "/sparql-graph-crud-auth?graph-uri=g", "u", "p", 1, "c0ffee");
//! assert!(header.starts_with("Digest username=\"u\", realm=\"SPARQL\""));
//! ```

use md5::Digest as _;
use md5::Md5;
use sha2::Digest as _;
use sha2::Sha256;

/// A server's `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// `Basic realm=…`.
    Basic,
    /// `Digest realm=…, nonce=…, …`.
    Digest {
        /// The protection space.
        realm: String,
        /// The server's nonce.
        nonce: String,
        /// Returned unchanged.
        opaque: Option<String>,
        /// `MD5` (the default) or `SHA-256`.
        algorithm: String,
        /// Whether the server offers `qop=auth` (else the RFC 2069 form).
        qop_auth: bool,
    },
}

impl Challenge {
    /// Parses one `WWW-Authenticate` value; `None` for schemes other than Digest and Basic, and
    /// for digest algorithms other than MD5 and SHA-256.
    pub fn parse(header: &str) -> Option<Self> {
        let header = header.trim();
        let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
        if scheme.eq_ignore_ascii_case("basic") {
            return Some(Self::Basic);
        }
        if !scheme.eq_ignore_ascii_case("digest") {
            return None;
        }
        let params = parameters(rest);
        let get = |k: &str| {
            params
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.clone())
        };
        let algorithm = get("algorithm").unwrap_or_else(|| "MD5".into());
        if !(algorithm.eq_ignore_ascii_case("MD5") || algorithm.eq_ignore_ascii_case("SHA-256")) {
            return None;
        }
        Some(Self::Digest {
            realm: get("realm").unwrap_or_default(),
            nonce: get("nonce")?,
            opaque: get("opaque"),
            algorithm,
            qop_auth: get("qop")
                .is_some_and(|q| q.split(',').any(|v| v.trim().eq_ignore_ascii_case("auth"))),
        })
    }

    /// The `Authorization` header value for a request with `method` and `uri` (path and query),
    /// the `nc`-th with this nonce, with client nonce `cnonce`.
    pub fn authorization(
        &self,
        method: &str,
        uri: &str,
        user: &str,
        password: &str,
        nc: u32,
        cnonce: &str,
    ) -> String {
        match self {
            Self::Basic => format!("Basic {}", base64(format!("{user}:{password}").as_bytes())),
            Self::Digest {
                realm,
                nonce,
                opaque,
                algorithm,
                qop_auth,
            } => {
                let h = |s: String| -> String {
                    if algorithm.eq_ignore_ascii_case("SHA-256") {
                        hex(&Sha256::digest(s.as_bytes()))
                    } else {
                        hex(&Md5::digest(s.as_bytes()))
                    }
                };
                let ha1 = h(format!("{user}:{realm}:{password}"));
                let ha2 = h(format!("{method}:{uri}"));
                let nc = format!("{nc:08x}");
                let response = if *qop_auth {
                    h(format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
                } else {
                    h(format!("{ha1}:{nonce}:{ha2}"))
                };
                let mut out = format!(
                    "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", \
                     algorithm={algorithm}, response=\"{response}\"",
                    quote(user),
                    quote(realm),
                    quote(nonce),
                    quote(uri)
                );
                if *qop_auth {
                    out.push_str(&format!(", qop=auth, nc={nc}, cnonce=\"{cnonce}\""));
                }
                if let Some(o) = opaque {
                    out.push_str(&format!(", opaque=\"{}\"", quote(o)));
                }
                out
            }
        }
    }
}

/// `name=value` and `name="quoted value"` pairs separated by commas.
fn parameters(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ',' {
                break;
            }
            name.push(c);
            chars.next();
        }
        if name.is_empty() {
            return out;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => value.extend(chars.next()),
                        '"' => break,
                        c => value.push(c),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ',' {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        }
        out.push((name.trim().to_string(), value.trim().to_string()));
    }
}

fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64 with padding (for Basic credentials only).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7616_md5_example() {
        // RFC 7616 section 3.9.1, MD5 variant.
        let c = Challenge::parse(
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, \
             nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
             opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
        )
        .unwrap();
        let a = c.authorization(
            "GET",
            "/dir/index.html",
            "Mufasa",
            "Circle of Life",
            1,
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        );
        assert!(
            a.contains("response=\"8ca523f5e9506fed4657c9700eebdbec\""),
            "{a}"
        );
    }

    #[test]
    fn basic_and_unknown_schemes() {
        let c = Challenge::parse("Basic realm=\"x\"").unwrap();
        assert_eq!(
            c.authorization("GET", "/", "Aladdin", "open sesame", 1, ""),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert!(Challenge::parse("Bearer realm=\"x\"").is_none());
    }
}
