//! The ACL file (`aclfile`): `ACL LOAD` reads it whole or changes nothing, `ACL SAVE`
//! writes every user as a `user` line, both as Redis 7.0 does (`ACLLoadFromFile`,
//! `ACLSaveToFile`), with Redis's messages.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;

use super::{has_spaces, merge_selector_arguments, Acl, RuleError, User};

impl Acl {
    /// Reads the users of the ACL file at `file`, `path` being its configured name
    /// (which messages use), and, if every line is right, makes them the only
    /// users. Answers Redis's one-line description of every problem otherwise,
    /// having changed nothing.
    pub fn load_file(
        &mut self,
        (path, file): (&str, &Path),
        all_channels: bool,
    ) -> Result<(), String> {
        let text = std::fs::read(file).map_err(|error| {
            format!(
                "Error loading ACLs, opening file '{path}': {}",
                crate::config::strerror(&error)
            )
        })?;
        let text = as_fgets_reads(&text);
        let mut errors = String::new();
        let mut users: BTreeMap<Bytes, Arc<User>> = BTreeMap::new();
        for (index, line) in text.split(|&b| b == b'\n').enumerate() {
            let number = index + 1;
            let line = trim(line, b" \t\r\n");
            if line.is_empty() {
                continue;
            }
            let words: Vec<Bytes> = line
                .split(|&b| b == b' ')
                .map(Bytes::copy_from_slice)
                .collect();
            if words[0].as_ref() != b"user" || words.len() < 2 {
                errors.push_str(&format!(
                    "{path}:{number} should start with user keyword followed by the username. "
                ));
                continue;
            }
            let name = &words[1];
            if has_spaces(name) {
                errors.push_str(&format!(
                    "'{path}:{number}: username '{}' contains invalid characters. ",
                    String::from_utf8_lossy(name)
                ));
                continue;
            }
            if users.contains_key(name) {
                errors.push_str(&format!(
                    "WARNING: Duplicate user '{}' found on line {number}. ",
                    String::from_utf8_lossy(name)
                ));
                continue;
            }
            let mut user = User::new(name, all_channels);
            let rules = match merge_selector_arguments(&words[2..]) {
                Ok(rules) => rules,
                Err(_) => {
                    errors.push_str(&format!(
                        "{path}:{number}: Unmatched parenthesis in selector definition."
                    ));
                    // Redis has made the user already: a later line of it is a duplicate.
                    users.insert(name.clone(), Arc::new(user));
                    continue;
                }
            };
            let mut syntax_error = false;
            for rule in rules {
                let rule = trim(&rule, b"\t\r\n");
                match user.apply(rule, all_channels) {
                    Ok(()) => {}
                    Err(RuleError::UnknownCommand) => errors.push_str(&format!(
                        "{path}:{number}: Error in applying operation '{}': {}. ",
                        String::from_utf8_lossy(rule),
                        RuleError::UnknownCommand.message()
                    )),
                    Err(error) if !syntax_error => {
                        errors.push_str(&format!("{path}:{number}: {}. ", error.message()));
                        syntax_error = true;
                    }
                    Err(_) => {}
                }
            }
            users.insert(name.clone(), Arc::new(user));
        }
        if !errors.is_empty() {
            errors.push_str(
                "WARNING: ACL errors detected, no change to the previously active ACL rules \
                 was performed",
            );
            return Err(errors);
        }
        self.replace_users(users);
        Ok(())
    }

    /// Every user as the ACL file has it: `user <name> <rules>` lines.
    pub fn user_lines(&self) -> Vec<Vec<u8>> {
        self.users()
            .map(|user| {
                let mut line = b"user ".to_vec();
                line.extend_from_slice(user.name());
                line.push(b' ');
                line.extend_from_slice(&user.describe());
                line
            })
            .collect()
    }

    /// Writes every user to `path` through a temporary file renamed over it. Answers
    /// the log line Redis writes when that fails.
    pub fn save_file(&self, path: &Path, now_ms: u64) -> Result<(), String> {
        let mut text = Vec::new();
        for line in self.user_lines() {
            text.extend_from_slice(&line);
            text.push(b'\n');
        }
        let mut temp = path.as_os_str().to_owned();
        temp.push(format!(".tmp-{}-{now_ms}", std::process::id()));
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&temp)
            .map_err(|error| {
                let why = crate::config::strerror(&error);
                format!("Opening temp ACL file for ACL SAVE: {why}")
            })
            .and_then(|mut file| {
                file.write_all(&text).map_err(|error| {
                    let why = crate::config::strerror(&error);
                    format!("Writing ACL file for ACL SAVE: {why}")
                })
            })
            .and_then(|()| {
                std::fs::rename(&temp, path).map_err(|error| {
                    let why = crate::config::strerror(&error);
                    format!("Renaming ACL file for ACL SAVE: {why}")
                })
            });
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }
}

/// The file as Redis reads it: `fgets` chunks of at most 1023 bytes (up to a line's
/// end), each kept up to its first NUL byte.
fn as_fgets_reads(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let line_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |at| at + 1);
        let chunk = &rest[..line_end.min(1023)];
        let kept = chunk.iter().position(|&b| b == 0).unwrap_or(chunk.len());
        out.extend_from_slice(&chunk[..kept]);
        rest = &rest[chunk.len()..];
    }
    out
}

/// `bytes` without the bytes of `set` at either end (Redis's `sdstrim`).
fn trim<'a>(bytes: &'a [u8], set: &[u8]) -> &'a [u8] {
    let start = bytes
        .iter()
        .position(|b| !set.contains(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !set.contains(b))
        .map_or(start, |at| at + 1);
    &bytes[start..end]
}
