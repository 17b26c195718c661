//! Where a value sits in an HL7 v2 message, in the notation HIS teams use: `PID-7`,
//! `PID-3(2).4`, `DG1[2]-3.1`, `PID-11(2).1.1`. See docs/hl7v2.md, "Locations".

use std::fmt;

/// A position in a message: segment (and which occurrence of it), field, repetition,
/// component and sub-component. Zero means "the whole" (a field of 0 is the whole segment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The segment id (`PID`).
    pub segment: [u8; 3],
    /// Which occurrence of that segment id, 1-based (the second DG1 is 2).
    pub occurrence: u32,
    /// Field number, 1-based (MSH-1 is the field separator itself); 0: the segment.
    pub field: u16,
    /// Repetition, 1-based; 0: the field as a whole (read as its first repetition).
    pub repetition: u32,
    /// Component, 1-based; 0: none.
    pub component: u16,
    /// Sub-component, 1-based; 0: none.
    pub subcomponent: u16,
}

impl Location {
    /// The location of a whole segment.
    pub const fn segment(id: [u8; 3], occurrence: u32) -> Location {
        Location {
            segment: id,
            occurrence,
            field: 0,
            repetition: 0,
            component: 0,
            subcomponent: 0,
        }
    }

    /// The same location narrowed to field `n`.
    pub const fn with_field(self, n: u16) -> Location {
        Location {
            field: n,
            repetition: 0,
            component: 0,
            subcomponent: 0,
            ..self
        }
    }

    /// The segment id as text.
    pub fn segment_id(&self) -> &str {
        std::str::from_utf8(&self.segment).unwrap_or("???")
    }

    /// The ERL form of ERR-2 (v2.5+): `PID^1^3^2^4`, trailing parts left out.
    pub fn erl(&self) -> String {
        let mut s = format!("{}^{}", self.segment_id(), self.occurrence.max(1));
        if self.field > 0 {
            s.push_str(&format!("^{}^{}", self.field, self.repetition.max(1)));
            if self.component > 0 {
                s.push_str(&format!("^{}", self.component));
                if self.subcomponent > 0 {
                    s.push_str(&format!("^{}", self.subcomponent));
                }
            }
        }
        s
    }

    /// The ELD form of ERR-1 (v2.3 and v2.4): segment, sequence, field and the table 0357
    /// code as a CE (`PID^1^7^102&Data type error&HL70357`).
    pub fn eld(&self, code: u16, text: &str) -> String {
        let field = if self.field > 0 {
            self.field.to_string()
        } else {
            String::new()
        };
        format!(
            "{}^{}^{}^{}&{}&HL70357",
            self.segment_id(),
            self.occurrence.max(1),
            field,
            code,
            text
        )
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.segment_id())?;
        if self.occurrence > 1 {
            write!(f, "[{}]", self.occurrence)?;
        }
        if self.field == 0 {
            return Ok(());
        }
        write!(f, "-{}", self.field)?;
        if self.repetition > 1 {
            write!(f, "({})", self.repetition)?;
        }
        if self.component > 0 {
            write!(f, ".{}", self.component)?;
            if self.subcomponent > 0 {
                write!(f, ".{}", self.subcomponent)?;
            }
        }
        Ok(())
    }
}
