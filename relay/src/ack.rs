//! What the relay answers a message with: `AA` once it is stored (or the stored ACK of a
//! re-send), `AE`/`AR` at once for a message that cannot become a valid Bundle (nothing is
//! stored), `AR` when the store fails (the sender keeps the message and sends it again).

use crate::store::{Accepted, DedupKey, Kind, NewMessage, Outbox, PatientKey};
use pfhir_core::hl7v2::{ack, AckCode, Conversion, Converter, EventKind, Hl7Issue, Hl7MessageId};

/// What became of one received message (for logs and tests: ids and codes only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// Stored as message `id`; the ACK says AA.
    Stored(i64),
    /// A re-send of message `id`: its stored ACK was sent again.
    Duplicate(i64),
    /// Not stored: the ACK says AE or AR (content).
    Refused(AckCode),
    /// Not stored: the store failed (the ACK says AR).
    StoreFailed,
}

/// Turns a received message into its ACK, storing what can be delivered.
#[derive(Debug)]
pub struct Acker {
    converter: Converter,
    /// For the v2 API: the converter of updates, with a placeholder Patient.id (the logical
    /// id is not known at accept time; delivery converts again with the mapped one).
    update_converter: Option<Converter>,
}

/// The Patient.id an update is checked with at accept time on v2 (replaced at delivery).
pub const V2_UPDATE_PLACEHOLDER: &str = "relay-logical-id-pending";

impl Acker {
    /// An acker converting with `converter` (its options are the site's).
    pub fn new(converter: Converter) -> Self {
        Acker {
            converter,
            update_converter: None,
        }
    }

    /// On the v2 API an update is sent to the logical id the id map gives at delivery: its
    /// accept-time check then uses a placeholder id instead of the business id (no v1 note
    /// PFHIR-H0403 in the ACK, and a business id need not be a FHIR id).
    pub fn v2_updates(mut self, on: bool) -> Self {
        self.update_converter = on
            .then(|| {
                let mut o = self.converter.options().clone();
                o.patient_id = Some(V2_UPDATE_PLACEHOLDER.to_string());
                Converter::new(o).ok()
            })
            .flatten();
        self
    }

    /// The converter.
    pub fn converter(&self) -> &Converter {
        &self.converter
    }

    /// Handles one message: returns the ACK bytes to send and what was done.
    pub fn receive(&self, hl7: &[u8], outbox: &dyn Outbox) -> (Vec<u8>, Received) {
        let (ack, received, _) = self.receive_conv(hl7, outbox);
        (ack, received)
    }

    /// [`Acker::receive`], also returning the message's conversion (the ACK after the
    /// platform's answer is built from it).
    pub fn receive_conv(&self, hl7: &[u8], outbox: &dyn Outbox) -> (Vec<u8>, Received, Conversion) {
        let mut conv = self.converter.convert(hl7);
        if let (Some(EventKind::Update), Some(c)) = (conv.kind, &self.update_converter) {
            conv = c.convert(hl7);
        }
        if conv.ack_code != AckCode::Accept {
            let code = conv.ack_code;
            return (
                ack(&conv, self.converter.options()),
                Received::Refused(code),
                conv,
            );
        }
        let (Some(kind), Some(bundle), Some(patient)) = (
            conv.kind,
            conv.bundle_json(),
            patient_key(&conv, self.converter.options()),
        ) else {
            // A valid Bundle always has an accepted identifier; refuse rather than store a
            // message that could not be ordered or mapped.
            conv.issues.push(Hl7Issue::new(
                Hl7MessageId::Internal,
                None,
                "the relay found no identifier of an accepted authority to key the patient by",
            ));
            conv.ack_code = AckCode::Error;
            conv.bundle = None;
            return (
                ack(&conv, self.converter.options()),
                Received::Refused(AckCode::Error),
                conv,
            );
        };
        let h = &conv.header;
        let msg = NewMessage {
            dedup: DedupKey {
                sending_application: h.sending_application.clone(),
                sending_facility: h.sending_facility.clone(),
                control_id: h.control_id.clone(),
            },
            kind: match kind {
                EventKind::Create => Kind::Create,
                EventKind::Update => Kind::Update,
            },
            patient,
            hl7: hl7.to_vec(),
            bundle,
            ack: ack(&conv, self.converter.options()),
        };
        match outbox.accept(&msg) {
            Ok(Accepted::New { id, ack }) => (ack, Received::Stored(id), conv),
            Ok(Accepted::Duplicate { id, ack }) => (ack, Received::Duplicate(id), conv),
            Err(e) => {
                log::error!(target: "pfhir::relay", "storing a message failed: {e}");
                conv.issues.push(Hl7Issue::new(
                    Hl7MessageId::Internal,
                    None,
                    "the relay could not store the message; send it again",
                ));
                conv.ack_code = AckCode::Reject;
                conv.bundle = None;
                let a = ack(&conv, self.converter.options());
                (a, Received::StoreFailed, conv)
            }
        }
    }
}

/// The patient of a conversion: its first identifier of an accepted authority (the v1
/// business id, the key of the id map).
pub fn patient_key(
    conv: &Conversion,
    options: &pfhir_core::hl7v2::Hl7Options,
) -> Option<PatientKey> {
    let input = conv.input.as_ref()?;
    input
        .identifiers
        .iter()
        .find(|i| options.accepts(&i.system) && !i.value.is_empty())
        .map(|i| PatientKey {
            authority: i.system.clone(),
            value: i.value.clone(),
        })
}
