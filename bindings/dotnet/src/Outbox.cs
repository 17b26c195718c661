// The embedded outbox (docs/relay.md, "Embedding the outbox"): Bundles and HL7 messages stored
// durably before the call returns, delivered by background threads, and what is not delivered
// at Dispose delivered after the next open.

using System;

namespace PfhirSdk
{
    /// <summary>What one <see cref="Outbox"/> submission did.</summary>
    public sealed class Submission
    {
        private readonly byte[] ack;

        internal Submission(ulong id, Received received, byte[] ack)
        {
            Id = id;
            Received = received;
            this.ack = ack;
        }

        /// <summary>The message's id in the outbox (for <see cref="Outbox.Status"/>); 0 when
        /// nothing was stored.</summary>
        public ulong Id { get; private set; }

        /// <summary>Stored, Duplicate (a re-send: the first one's id and ACK), Refused (an HL7
        /// message that cannot become a valid Bundle) or StoreFailed.</summary>
        public Received Received { get; private set; }

        /// <summary>True when the message is in the outbox (stored now or a re-send of a stored one).</summary>
        public bool Stored { get { return Received == Received.Stored || Received == Received.Duplicate; } }

        /// <summary>The HL7 ACK to give the sender (segments ended by \r); empty for a Bundle. A copy.</summary>
        public byte[] Ack() { return (byte[])ack.Clone(); }
    }

    /// <summary>The status of one stored message (docs/relay.md, "States").</summary>
    public sealed class MessageStatus
    {
        internal MessageStatus(OutboxState state, int attempts, string logicalId, string detail)
        {
            State = state;
            Attempts = attempts;
            LogicalId = logicalId;
            Detail = detail;
        }

        /// <summary>The state.</summary>
        public OutboxState State { get; private set; }

        /// <summary>Delivery attempts made.</summary>
        public int Attempts { get; private set; }

        /// <summary>The platform's Patient id once the patient's create is delivered (v1: the
        /// business id); null before.</summary>
        public string LogicalId { get; private set; }

        /// <summary>Why it is in its state (a rejection's OperationOutcome JSON; a reason
        /// without patient values otherwise), or null.</summary>
        public string Detail { get; private set; }

        /// <summary>Delivered, rejected or dropped: nothing more will happen to it.</summary>
        public bool IsFinal
        {
            get { return State == OutboxState.Delivered || State == OutboxState.Rejected || State == OutboxState.Dropped; }
        }
    }

    /// <summary>
    /// The relay's durable outbox inside the program: a submission is on disk when the call
    /// returns, background threads deliver it with a client made from a
    /// <see cref="ClientConfig"/>. Thread-safe. <see cref="Dispose"/> lets each worker finish
    /// its current delivery; what is not delivered is delivered after the next open. One
    /// folder is opened by one outbox at a time.
    /// </summary>
    public sealed class Outbox : IDisposable
    {
        private readonly OutboxHandle handle;

        /// <summary>Opens (creating when needed) the outbox in <paramref name="dir"/>, recovers
        /// what an earlier process left being sent, and starts <paramref name="workers"/>
        /// delivery threads (0: the default, 2). The configuration and options are copied.</summary>
        /// <exception cref="ConfigException">the configuration or options are wrong.</exception>
        public Outbox(string dir, ClientConfig config, Hl7Options hl7 = null, int workers = 0)
        {
            if (dir == null) throw new ArgumentNullException("dir");
            if (config == null) throw new ArgumentNullException("config");
            if (workers < 0) throw new ArgumentOutOfRangeException("workers", "0 (the default) or more");
            byte[] path = Native.Encode(dir, "dir");
            using (var opts = (hl7 ?? new Hl7Options()).ToNative())
            {
                Native.Check(Native.pfhir_outbox_open(path, Native.Len(path), config.Handle, opts, (uint)workers, out handle));
            }
        }

        private OutboxHandle Handle { get { handle.ThrowIfClosed("Outbox"); return handle; } }

        /// <summary>Stores a ready message Bundle (JSON) as a create or an update (v2: to its
        /// Patient.id). Validated first.</summary>
        /// <exception cref="ValidationException">the Bundle is not valid; nothing stored.</exception>
        /// <exception cref="UpdateTargetMismatchException">a v2 update without Patient.id.</exception>
        public Submission SubmitBundle(string bundleJson, OutboxKind kind = OutboxKind.Create)
        {
            if (bundleJson == null) throw new ArgumentNullException("bundleJson");
            byte[] body = Native.Encode(bundleJson, "bundleJson");
            SubmissionHandle s;
            Native.Check(Native.pfhir_outbox_submit_bundle(Handle, body, Native.Len(body), (uint)kind, out s));
            return Take(s);
        }

        /// <summary>Takes one HL7 v2 message as the MLLP relay does: stored before an AA,
        /// refused at once (AE/AR, nothing stored) when it cannot become a valid Bundle. Content
        /// problems are data: see <see cref="Submission.Received"/>; give
        /// <see cref="Submission.Ack"/> to the sender.</summary>
        public Submission SubmitHl7(byte[] message)
        {
            if (message == null) throw new ArgumentNullException("message");
            SubmissionHandle s;
            Native.Check(Native.pfhir_outbox_submit_hl7(Handle, message, Native.Len(message), out s));
            return Take(s);
        }

        /// <summary>The status of message <paramref name="id"/>.</summary>
        /// <exception cref="NotFoundException">no such message.</exception>
        public MessageStatus Status(ulong id)
        {
            MessageStatusHandle h;
            Native.Check(Native.pfhir_outbox_status(Handle, id, out h));
            using (h)
            {
                return new MessageStatus(
                    (OutboxState)Native.pfhir_message_status_state(h),
                    (int)Native.pfhir_message_status_attempts(h),
                    Native.ToStringOrNull(Native.pfhir_message_status_logical_id(h)),
                    Native.ToStringOrNull(Native.pfhir_message_status_detail(h)));
            }
        }

        /// <summary>Stops delivery after each worker's current delivery and frees the outbox.</summary>
        public void Dispose() { handle.Dispose(); }

        private static Submission Take(SubmissionHandle s)
        {
            using (s)
            {
                PfhirBytes b;
                Native.Check(Native.pfhir_submission_ack(s, out b));
                byte[] ack = Native.TakeBytes(b);
                return new Submission(Native.pfhir_submission_id(s), (Received)Native.pfhir_submission_received(s), ack);
            }
        }
    }
}
