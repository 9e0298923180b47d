//! Why a query was refused and where: the place in its text and the message.

use std::fmt;

/// A place in the query text (1-based line and column, in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    pub(crate) line: usize,
    pub(crate) col: usize,
}

/// Why a query was refused: a syntax error (the parser) or a semantic one (names, types), at a place.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KqlError {
    pub(crate) syntax: bool,
    pub(crate) pos: Pos,
    pub(crate) message: String,
}

impl KqlError {
    pub(crate) fn syntax(pos: Pos, message: impl Into<String>) -> Self {
        KqlError { syntax: true, pos, message: message.into() }
    }

    pub(crate) fn semantic(pos: Pos, message: impl Into<String>) -> Self {
        KqlError { syntax: false, pos, message: message.into() }
    }
}

impl fmt::Display for KqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.syntax { "Syntax error" } else { "Semantic error" };
        write!(f, "{kind} at line {}, column {}: {}", self.pos.line, self.pos.col, self.message)
    }
}
