//! A small JSON reader for `elfin info --json` output.
//!
//! The test reads gigabytes of JSON (the 100-200 MB libraries give 50-80 MB
//! each), and tests are built without optimizations: `serde_json::Value`
//! runs at about 5 MB/s there (a map and a `String` per key), which made
//! JSON parsing most of the test's time. This reader borrows keys and plain
//! strings from the input and keeps objects as short vectors, which is
//! several times faster unoptimized. It reads any JSON (numbers must be
//! integers: elfin prints no others).

use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub enum J<'a> {
    Null,
    Bool(bool),
    /// A non-negative integer.
    U(u64),
    /// A negative integer.
    I(i64),
    Str(Cow<'a, str>),
    Arr(Vec<J<'a>>),
    Obj(Vec<(Cow<'a, str>, J<'a>)>),
}

static NULL: J<'static> = J::Null;

impl<'a> J<'a> {
    /// The value of `key` (Null when absent or not an object).
    pub fn get(&self, key: &str) -> &J<'a> {
        match self {
            J::Obj(fields) => fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    pub fn has(&self, key: &str) -> bool {
        matches!(self, J::Obj(f) if f.iter().any(|(k, _)| k == key))
    }

    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            J::U(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            J::U(v) => i64::try_from(v).ok(),
            J::I(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[J<'a>]> {
        match self {
            J::Arr(a) => Some(a),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, J::Null)
    }
}

/// Parses a whole document.
pub fn parse(input: &[u8]) -> Result<J<'_>, String> {
    let mut p = Parser { b: input, i: 0 };
    let v = p.value()?;
    p.ws();
    if p.i != p.b.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(v)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn err(&self, what: &str) -> String {
        format!("JSON: {what} at byte {}", self.i)
    }

    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Result<J<'a>, String> {
        self.ws();
        match self.b.get(self.i) {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => Ok(J::Str(self.string()?)),
            Some(b'n') => self.word(b"null", J::Null),
            Some(b't') => self.word(b"true", J::Bool(true)),
            Some(b'f') => self.word(b"false", J::Bool(false)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.err("value expected")),
        }
    }

    fn word(&mut self, w: &[u8], v: J<'a>) -> Result<J<'a>, String> {
        if self.b[self.i..].starts_with(w) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(self.err("bad literal"))
        }
    }

    fn number(&mut self) -> Result<J<'a>, String> {
        let neg = self.b[self.i] == b'-';
        if neg {
            self.i += 1;
        }
        let start = self.i;
        let mut v: u64 = 0;
        while let Some(&c) = self.b.get(self.i) {
            if !c.is_ascii_digit() {
                break;
            }
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(c - b'0')))
                .ok_or_else(|| self.err("integer too large"))?;
            self.i += 1;
        }
        if self.i == start {
            return Err(self.err("digits expected"));
        }
        if matches!(self.b.get(self.i), Some(b'.' | b'e' | b'E')) {
            return Err(self.err("not an integer"));
        }
        if !neg {
            return Ok(J::U(v));
        }
        if v == 0 {
            return Ok(J::U(0));
        }
        if v > 1 << 63 {
            return Err(self.err("integer too small"));
        }
        Ok(J::I((v as i64).wrapping_neg()))
    }

    fn string(&mut self) -> Result<Cow<'a, str>, String> {
        // At the opening quote.
        self.i += 1;
        let start = self.i;
        let b = self.b;
        while let Some(&c) = b.get(self.i) {
            if c == b'"' {
                let s =
                    std::str::from_utf8(&b[start..self.i]).map_err(|_| self.err("bad UTF-8"))?;
                self.i += 1;
                return Ok(Cow::Borrowed(s));
            }
            if c == b'\\' {
                return self.escaped(start).map(Cow::Owned);
            }
            self.i += 1;
        }
        Err(self.err("unterminated string"))
    }

    /// The rest of a string that has escapes.
    fn escaped(&mut self, start: usize) -> Result<String, String> {
        let mut out: Vec<u8> = self.b[start..self.i].to_vec();
        loop {
            let Some(&c) = self.b.get(self.i) else {
                return Err(self.err("unterminated string"));
            };
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).map_err(|_| self.err("bad UTF-8")),
                b'\\' => {
                    let Some(&e) = self.b.get(self.i) else {
                        return Err(self.err("bad escape"));
                    };
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xd800..0xdc00).contains(&hi) {
                                if !self.b[self.i..].starts_with(b"\\u") {
                                    return Err(self.err("lone surrogate"));
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return Err(self.err("bad surrogate pair"));
                                }
                                0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                            } else {
                                hi
                            };
                            char::from_u32(cp).ok_or_else(|| self.err("bad code point"))?
                        }
                        _ => return Err(self.err("bad escape")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self
            .b
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err("short \\u"))?;
        let s = std::str::from_utf8(h).map_err(|_| self.err("bad \\u"))?;
        let v = u32::from_str_radix(s, 16).map_err(|_| self.err("bad \\u"))?;
        self.i += 4;
        Ok(v)
    }

    fn array(&mut self) -> Result<J<'a>, String> {
        self.i += 1;
        let mut out = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(J::Arr(out));
        }
        loop {
            out.push(self.value()?);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(J::Arr(out));
                }
                _ => return Err(self.err("',' or ']' expected")),
            }
        }
    }

    fn object(&mut self) -> Result<J<'a>, String> {
        self.i += 1;
        let mut out = Vec::with_capacity(8);
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(J::Obj(out));
        }
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return Err(self.err("key expected"));
            }
            let k = self.string()?;
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(self.err("':' expected"));
            }
            self.i += 1;
            let v = self.value()?;
            out.push((k, v));
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(J::Obj(out));
                }
                _ => return Err(self.err("',' or '}' expected")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        let v = parse(br#" {"a":1,"b":-5,"c":"x\"\u00e9\ud83d\ude00\n","d":[null,true,false,{}],"e":[],"f":18446744073709551615,"g":-9223372036854775808} "#)
            .unwrap();
        assert_eq!(v.get("a").as_u64(), Some(1));
        assert_eq!(v.get("b").as_i64(), Some(-5));
        assert_eq!(v.get("c").as_str(), Some("x\"é😀\n"));
        assert_eq!(v.get("d").as_array().unwrap().len(), 4);
        assert!(v.get("d").as_array().unwrap()[0].is_null());
        assert_eq!(v.get("e").as_array().unwrap().len(), 0);
        assert_eq!(v.get("f").as_u64(), Some(u64::MAX));
        assert_eq!(v.get("g").as_i64(), Some(i64::MIN));
        assert!(v.get("missing").is_null());
        assert!(v.has("a") && !v.has("z"));
        // Agrees with serde_json on what it reads.
        let s = serde_json::to_string(&serde_json::json!({"k": "a\u{1}b\u{7f}\u{fffd}"})).unwrap();
        assert_eq!(
            parse(s.as_bytes()).unwrap().get("k").as_str(),
            Some("a\u{1}b\u{7f}\u{fffd}")
        );
    }

    #[test]
    fn errors() {
        for bad in [
            &b"{"[..],
            b"[1,]",
            b"{\"a\" 1}",
            b"1.5",
            b"\"abc",
            b"[1] x",
            b"99999999999999999999",
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
