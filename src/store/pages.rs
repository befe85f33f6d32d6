//! Rows read straight from the table pages of a damaged SQLite file, for the marks its
//! b-trees can no longer reach (a damaged root page hides every row below it). Only the file
//! format is trusted, never the data: every offset is checked and every chain is bounded.

use std::os::unix::fs::FileExt;
use std::path::Path;

/// A value of a row, as far as salvage needs one.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    /// A real or a blob: present, but of no use here.
    Other,
}

/// Every row of every table leaf page of the file at `path` that still parses.
pub fn table_rows(path: &Path) -> Vec<(i64, Vec<Value>)> {
    let Ok(file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let Some(db) = Pages::new(file) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for n in 1..=db.count {
        if let Some(page) = db.page(n) {
            db.leaf_rows(n, &page, &mut rows);
        }
    }
    rows
}

struct Pages {
    file: std::fs::File,
    size: usize,
    usable: usize,
    count: u32,
}

impl Pages {
    fn new(file: std::fs::File) -> Option<Pages> {
        let len = file.metadata().ok()?.len();
        let mut header = [0u8; 100];
        file.read_exact_at(&mut header, 0).ok()?;
        let size = match u16::from_be_bytes([header[16], header[17]]) {
            1 => 65536,
            n if n.is_power_of_two() && n >= 512 => usize::from(n),
            // A damaged header: the size herald's databases are made with.
            _ => 4096,
        };
        let reserved = usize::from(header[20]);
        let usable = size.checked_sub(reserved).filter(|u| *u >= 480)?;
        let count = u32::try_from(len / size as u64).ok()?;
        Some(Pages {
            file,
            size,
            usable,
            count,
        })
    }

    fn page(&self, n: u32) -> Option<Vec<u8>> {
        if n == 0 || n > self.count {
            return None;
        }
        let mut page = vec![0; self.size];
        self.file
            .read_exact_at(&mut page, u64::from(n - 1) * self.size as u64)
            .ok()?;
        Some(page)
    }

    fn leaf_rows(&self, n: u32, page: &[u8], rows: &mut Vec<(i64, Vec<Value>)>) {
        let header = if n == 1 { 100 } else { 0 };
        // 0x0d: a leaf page of a table's b-tree.
        if page.get(header) != Some(&0x0d) {
            return;
        }
        let Some(cells) = be16(page, header + 3) else {
            return;
        };
        for i in 0..cells {
            let Some(at) = be16(page, header + 8 + 2 * i) else {
                return;
            };
            if let Some(row) = self.cell(page, at) {
                rows.push(row);
            }
        }
    }

    fn cell(&self, page: &[u8], at: usize) -> Option<(i64, Vec<Value>)> {
        let (payload_len, used) = varint(page.get(at..)?)?;
        let (rowid, used2) = varint(page.get(at + used..)?)?;
        let start = at + used + used2;
        let payload_len = usize::try_from(payload_len).ok()?;
        // The payload may spill to overflow pages: where it does follows the file format.
        let max_local = self.usable - 35;
        let local = if payload_len <= max_local {
            payload_len
        } else {
            let min_local = (self.usable - 12) * 32 / 255 - 23;
            let k = min_local + (payload_len - min_local) % (self.usable - 4);
            if k <= max_local { k } else { min_local }
        };
        let mut payload = page.get(start..start + local)?.to_vec();
        if local < payload_len {
            let mut next = be32(page, start + local)?;
            let mut hops = 0;
            while payload.len() < payload_len {
                hops += 1;
                if hops > self.count {
                    return None;
                }
                let overflow = self.page(next)?;
                let take = (payload_len - payload.len()).min(self.usable - 4);
                payload.extend_from_slice(overflow.get(4..4 + take)?);
                next = be32(&overflow, 0)?;
            }
        }
        Some((rowid, record(&payload)?))
    }
}

/// The values of one record (the file format's "record format").
fn record(payload: &[u8]) -> Option<Vec<Value>> {
    let (header_len, mut at) = varint(payload)?;
    let header_len = usize::try_from(header_len).ok()?;
    let mut types = Vec::new();
    while at < header_len {
        let (t, used) = varint(payload.get(at..header_len)?)?;
        types.push(t);
        at += used;
    }
    let mut body = header_len;
    let mut values = Vec::with_capacity(types.len());
    for t in types {
        let (value, len) = match t {
            0 => (Value::Null, 0),
            1..=6 => {
                let len = [0, 1, 2, 3, 4, 6, 8][t as usize];
                let bytes = payload.get(body..body + len)?;
                // Big-endian two's complement, sign-extended from its first byte.
                let mut n: i64 = if bytes[0] & 0x80 != 0 { -1 } else { 0 };
                for b in bytes {
                    n = (n << 8) | i64::from(*b);
                }
                (Value::Int(n), len)
            }
            7 => (Value::Other, 8),
            8 => (Value::Int(0), 0),
            9 => (Value::Int(1), 0),
            10 | 11 => return None,
            n if n % 2 == 0 => (Value::Other, usize::try_from((n - 12) / 2).ok()?),
            n => {
                let len = usize::try_from((n - 13) / 2).ok()?;
                let text = std::str::from_utf8(payload.get(body..body + len)?).ok()?;
                (Value::Text(text.to_string()), len)
            }
        };
        body = body.checked_add(len)?;
        if body > payload.len() {
            return None;
        }
        values.push(value);
    }
    Some(values)
}

/// SQLite's variable-length integer: up to nine bytes, big-endian, seven bits a byte but the
/// ninth, which gives all eight. Returns the value and how many bytes it took.
fn varint(bytes: &[u8]) -> Option<(i64, usize)> {
    let mut n: u64 = 0;
    for (i, b) in bytes.iter().take(9).enumerate() {
        if i == 8 {
            return Some((((n << 8) | u64::from(*b)) as i64, 9));
        }
        n = (n << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            return Some((n as i64, i + 1));
        }
    }
    None
}

fn be16(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_of_one_to_nine_bytes() {
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00]), Some((128, 2)));
        assert_eq!(varint(&[0xff; 9]), Some((-1, 9)));
        assert_eq!(varint(&[0x81]), None, "cut short");
    }

    #[test]
    fn rows_are_read_from_the_pages_of_a_real_file_whatever_their_size() {
        let dir = std::env::temp_dir().join(format!("herald-pages-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("t.db");
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, f REAL);")
            .expect("schema");
        // A text long enough to spill over several overflow pages, and negative numbers.
        let long = "é".repeat(9000);
        for (n, s) in [(-3i64, "short"), (70_000, long.as_str()), (1 << 40, "")] {
            conn.execute(
                "INSERT INTO t (n, s, f) VALUES (?1, ?2, 0.5)",
                rusqlite::params![n, s],
            )
            .expect("insert");
        }
        drop(conn);
        let rows = table_rows(&path);
        let t: Vec<_> = rows.iter().filter(|(_, v)| v.len() == 4).collect();
        assert_eq!(t.len(), 3, "{rows:?}");
        assert_eq!(t[0].1[1], Value::Int(-3));
        assert_eq!(t[1].1[2], Value::Text(long));
        assert_eq!(t[2].1[1], Value::Int(1 << 40));
        assert_eq!(t[2].1[3], Value::Other);
        assert_eq!((t[0].0, t[2].0), (1, 3));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn garbage_is_no_row_and_no_panic() {
        let mut noise = vec![0x0du8; 4096 * 3];
        for (i, b) in noise.iter_mut().enumerate() {
            *b = (i * 31 % 251) as u8;
        }
        noise[4096] = 0x0d;
        let path = std::env::temp_dir().join(format!("herald-noise-{}", std::process::id()));
        std::fs::write(&path, &noise).expect("write");
        let _ = table_rows(&path);
        let _ = std::fs::remove_file(&path);
    }
}
