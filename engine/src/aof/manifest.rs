//! The manifest of a multi-part append-only file (Redis 7.0's `aofManifest`): which
//! files in the AOF directory hold the dataset, in order.
//!
//! One line per file, `file <name> seq <n> type <b|h|i>`: at most one BASE (the
//! snapshot the last rewrite wrote, RDB or commands), HISTORY files a rewrite made
//! obsolete (deleted soon after), and the INCR files of the commands written since,
//! in sequence. File names are `<appendfilename>.<seq>.base.rdb|.aof` and
//! `<appendfilename>.<seq>.incr.aof`.

/// What a file listed in the manifest is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// The snapshot the last rewrite wrote (`b`).
    Base,
    /// Made obsolete by a rewrite, to be deleted (`h`).
    History,
    /// Commands written after the base (`i`).
    Incr,
}

impl FileKind {
    fn letter(self) -> char {
        match self {
            FileKind::Base => 'b',
            FileKind::History => 'h',
            FileKind::Incr => 'i',
        }
    }
}

/// One file of the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AofFile {
    /// Its name in the AOF directory.
    pub name: String,
    /// Its sequence number.
    pub seq: u64,
    /// What it is.
    pub kind: FileKind,
}

/// The files of an append-only file, as its manifest lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// The base file, if there is one.
    pub base: Option<AofFile>,
    /// Files a rewrite made obsolete.
    pub history: Vec<AofFile>,
    /// The files of commands after the base, oldest first.
    pub incr: Vec<AofFile>,
    /// The last sequence numbers given to a base and to an incr file.
    base_seq: u64,
    incr_seq: u64,
}

/// Longest line Redis reads from a manifest.
const MAX_LINE: usize = 1024;

impl Manifest {
    /// Reads a manifest's text with Redis's checks (`aofLoadManifestFromFile`); the
    /// error is the text Redis logs before it exits.
    pub fn parse(text: &[u8]) -> Result<Manifest, String> {
        let mut manifest = Manifest::default();
        if text.is_empty() {
            return Err("Found an empty AOF manifest".into());
        }
        let mut rest = text;
        while !rest.is_empty() {
            let end = rest.iter().position(|&b| b == b'\n');
            let line = &rest[..end.unwrap_or(rest.len())];
            rest = end.map_or(&[][..], |at| &rest[at + 1..]);
            if line.first() == Some(&b'#') {
                continue;
            }
            if end.is_none() || line.len() + 1 > MAX_LINE {
                return Err("The AOF manifest file contains too long line".into());
            }
            manifest.add_line(line)?;
        }
        Ok(manifest)
    }

    fn add_line(&mut self, line: &[u8]) -> Result<(), String> {
        let invalid = || "Invalid AOF manifest file format".to_string();
        let line = trim(line);
        let words = kvdb_resp::split_args(line).ok_or_else(invalid)?;
        if line.is_empty() || words.len() < 6 || words.len() % 2 != 0 {
            return Err(invalid());
        }
        let (mut name, mut seq, mut kind) = (None, 0u64, None);
        for pair in words.chunks(2) {
            let value = &pair[1];
            if pair[0].eq_ignore_ascii_case(b"file") {
                let text = String::from_utf8_lossy(value).into_owned();
                if text.contains('/') {
                    return Err("File can't be a path, just a filename".into());
                }
                name = Some(text);
            } else if pair[0].eq_ignore_ascii_case(b"seq") {
                // atoll: leading digits, 0 when there are none.
                let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
                seq = std::str::from_utf8(&value[..digits])
                    .ok()
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(0);
            } else if pair[0].eq_ignore_ascii_case(b"type") {
                kind = value.first().copied();
            }
        }
        let (Some(name), Some(kind)) = (name, kind) else {
            return Err(invalid());
        };
        if seq == 0 {
            return Err(invalid());
        }
        match kind {
            b'b' => {
                if self.base.is_some() {
                    return Err("Found duplicate base file information".into());
                }
                self.base_seq = seq;
                self.base = Some(AofFile {
                    name,
                    seq,
                    kind: FileKind::Base,
                });
            }
            b'h' => self.history.push(AofFile {
                name,
                seq,
                kind: FileKind::History,
            }),
            b'i' => {
                if seq <= self.incr_seq {
                    return Err("Found a non-monotonic sequence number".into());
                }
                self.incr_seq = seq;
                self.incr.push(AofFile {
                    name,
                    seq,
                    kind: FileKind::Incr,
                });
            }
            _ => return Err("Unknown AOF file type".into()),
        }
        Ok(())
    }

    /// The manifest's text: the base, then history, then incr files.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let files = self.base.iter().chain(&self.history).chain(&self.incr);
        for file in files {
            let name = match needs_quoting(&file.name) {
                true => crate::config::quoted(&file.name),
                false => file.name.clone(),
            };
            let kind = file.kind.letter();
            out.push_str(&format!("file {name} seq {} type {kind}\n", file.seq));
        }
        out
    }

    /// True when it lists no base and no incr file (nothing to load).
    pub fn is_empty(&self) -> bool {
        self.base.is_none() && self.incr.is_empty()
    }

    /// The base and incr files, in loading order.
    pub fn files_to_load(&self) -> impl Iterator<Item = &AofFile> {
        self.base.iter().chain(&self.incr)
    }

    /// Names a new base file of `prefix` (`appendfilename`), in RDB form or not, and
    /// makes the old base history (`getNewBaseFileNameAndMarkPreAsHistory`).
    pub fn new_base(&mut self, prefix: &str, rdb: bool) -> String {
        if let Some(mut old) = self.base.take() {
            old.kind = FileKind::History;
            self.history.insert(0, old);
        }
        self.base_seq = self.base_seq.saturating_add(1);
        let format = if rdb { "rdb" } else { "aof" };
        let name = format!("{prefix}.{}.base.{format}", self.base_seq);
        self.base = Some(AofFile {
            name: name.clone(),
            seq: self.base_seq,
            kind: FileKind::Base,
        });
        name
    }

    /// Names and lists a new incr file of `prefix` (`getNewIncrAofName`).
    pub fn new_incr(&mut self, prefix: &str) -> String {
        self.incr_seq = self.incr_seq.saturating_add(1);
        let name = format!("{prefix}.{}.incr.aof", self.incr_seq);
        self.incr.push(AofFile {
            name: name.clone(),
            seq: self.incr_seq,
            kind: FileKind::Incr,
        });
        name
    }

    /// The last incr file, or a new one when there is none (`getLastIncrAofName`).
    pub fn last_incr(&mut self, prefix: &str) -> String {
        match self.incr.last() {
            Some(file) => file.name.clone(),
            None => self.new_incr(prefix),
        }
    }

    /// After a rewrite, the incr files it covers become history: all of them, or all
    /// but the last when the server still appends to it
    /// (`markRewrittenIncrAofAsHistory`).
    pub fn incr_to_history(&mut self, keep_last: bool) {
        let keep = usize::from(keep_last).min(self.incr.len());
        let covered = self.incr.len() - keep;
        for mut file in self.incr.drain(..covered).rev() {
            file.kind = FileKind::History;
            self.history.insert(0, file);
        }
    }
}

/// Redis's `sdsneedsrepr`: names with spaces, quotes or unprintable bytes are quoted.
fn needs_quoting(name: &str) -> bool {
    name.bytes().any(|b| {
        matches!(b, b'\\' | b'"' | b'\n' | b'\r' | b'\t' | 0x07 | 0x08 | b' ')
            || !(0x20..=0x7e).contains(&b)
    })
}

/// `sdstrim(line, " \t\r\n")`.
fn trim(line: &[u8]) -> &[u8] {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = line.iter().position(|b| !blank(b)).unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |at| at + 1);
    &line[start..end.max(start)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_what_it_wrote() {
        let mut manifest = Manifest::default();
        assert_eq!(
            manifest.new_base("appendonly.aof", true),
            "appendonly.aof.1.base.rdb"
        );
        assert_eq!(
            manifest.last_incr("appendonly.aof"),
            "appendonly.aof.1.incr.aof"
        );
        assert_eq!(
            manifest.new_incr("appendonly.aof"),
            "appendonly.aof.2.incr.aof"
        );
        assert_eq!(
            manifest.new_base("appendonly.aof", false),
            "appendonly.aof.2.base.aof"
        );
        manifest.incr_to_history(true);
        let text = manifest.to_text();
        // Each file made history goes first, as Redis lists them.
        assert_eq!(
            text,
            "file appendonly.aof.2.base.aof seq 2 type b\n\
             file appendonly.aof.1.incr.aof seq 1 type h\n\
             file appendonly.aof.1.base.rdb seq 1 type h\n\
             file appendonly.aof.2.incr.aof seq 2 type i\n"
        );
        let read = Manifest::parse(text.as_bytes()).unwrap();
        assert_eq!(read, manifest);
    }

    #[test]
    fn names_with_spaces_are_quoted_and_read_back() {
        let mut manifest = Manifest::default();
        manifest.new_base("my file", true);
        let text = manifest.to_text();
        assert_eq!(text, "file \"my file.1.base.rdb\" seq 1 type b\n");
        assert_eq!(Manifest::parse(text.as_bytes()).unwrap(), manifest);
    }

    #[test]
    fn bad_manifests_get_redis_errors() {
        let cases: [(&[u8], &str); 7] = [
            (b"", "Found an empty AOF manifest"),
            (
                b"file a seq 1 type b",
                "The AOF manifest file contains too long line",
            ),
            (b"file a seq 1\n", "Invalid AOF manifest file format"),
            (
                b"file a/b seq 1 type b\n",
                "File can't be a path, just a filename",
            ),
            (
                b"file a seq 1 type b\nfile b seq 2 type b\n",
                "Found duplicate base file information",
            ),
            (
                b"file a seq 2 type i\nfile b seq 1 type i\n",
                "Found a non-monotonic sequence number",
            ),
            (b"file a seq 1 type x\n", "Unknown AOF file type"),
        ];
        for (text, error) in cases {
            assert_eq!(Manifest::parse(text), Err(error.to_string()), "{text:?}");
        }
        let commented = Manifest::parse(b"# note\nfile a seq 3 type i\n").unwrap();
        assert_eq!(commented.incr.len(), 1);
    }
}
