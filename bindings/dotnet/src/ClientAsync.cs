// The Task-returning forms of the Client's network calls, and what a cancellation means.
//
// libpfhir's client is synchronous: each async method runs the blocking native call on a
// thread-pool thread, so the caller's thread (a UI thread, an ASP.NET request) is free while
// the request is on the wire. A CancellationToken stops the waiting, not the request: once the
// native call has started it runs to its end (its timeouts and retries bound it) and its
// answer is dropped; the platform may have processed it.

using System;
using System.Threading;
using System.Threading.Tasks;

namespace PfhirSdk
{
    /// <summary>
    /// An async call of <see cref="Client"/> was cancelled through its
    /// <see cref="CancellationToken"/>. <see cref="MayHaveBeenProcessed"/> is false when the
    /// request had not started (nothing was sent), true when it had: the request then runs to
    /// its end in the background, its answer is dropped, and the platform may have processed
    /// it (after a cancelled <see cref="Client.CreateAsync(string, string, CancellationToken)"/>
    /// settle it with <see cref="Client.ResolveUncertainCreate(string, string)"/> and
    /// <see cref="RequestId"/>; an update or read may simply be sent again).
    /// </summary>
    public sealed class RequestCanceledException : OperationCanceledException
    {
        internal RequestCanceledException(string requestId, bool mayHaveBeenProcessed, CancellationToken token)
            : base(mayHaveBeenProcessed
                ? "the request was cancelled while on the wire: the platform may have processed it" + (requestId == null ? "" : " (request id " + requestId + ")")
                : "the request was cancelled before it started: nothing was sent", token)
        {
            RequestId = requestId;
            MayHaveBeenProcessed = mayHaveBeenProcessed;
        }

        /// <summary>The <c>x-origin-request-id</c> the request was (or would have been) sent with.</summary>
        public string RequestId { get; private set; }

        /// <summary>True when the request had started: the platform may have processed it.</summary>
        public bool MayHaveBeenProcessed { get; private set; }
    }

    public sealed partial class Client
    {
        /// <summary>As <see cref="Create(string, string)"/>, on a thread-pool thread.
        /// <paramref name="requestId"/> null sends a fresh one (a UUID made here, so that a
        /// <see cref="RequestCanceledException"/> can name it). Cancelling stops the waiting:
        /// a create already on the wire may have been processed (see
        /// <see cref="RequestCanceledException"/>).</summary>
        public Task<CreateResult> CreateAsync(string bundleJson, string requestId = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (bundleJson == null) throw new ArgumentNullException("bundleJson");
            return CreateAsync(Native.Encode(bundleJson, "bundleJson"), requestId, cancellationToken);
        }

        /// <summary>As <see cref="CreateAsync(string, string, CancellationToken)"/>, with the Bundle as UTF-8 bytes (not copied: do not change them before the task ends).</summary>
        public Task<CreateResult> CreateAsync(byte[] bundleJson, string requestId = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (bundleJson == null) throw new ArgumentNullException("bundleJson");
            string rid = RequestIdFor(requestId);
            return RunAsync(() => Create(bundleJson, rid), rid, cancellationToken);
        }

        /// <summary>As <see cref="Update(string, string, string)"/>, on a thread-pool thread.
        /// Cancelling stops the waiting: an update already on the wire may have been processed;
        /// sending the same update again is safe.</summary>
        public Task<UpdateResult> UpdateAsync(string id, string bundleJson, string requestId = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (bundleJson == null) throw new ArgumentNullException("bundleJson");
            return UpdateAsync(id, Native.Encode(bundleJson, "bundleJson"), requestId, cancellationToken);
        }

        /// <summary>As <see cref="UpdateAsync(string, string, string, CancellationToken)"/>, with the Bundle as UTF-8 bytes (not copied: do not change them before the task ends).</summary>
        public Task<UpdateResult> UpdateAsync(string id, byte[] bundleJson, string requestId = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (id == null) throw new ArgumentNullException("id");
            if (bundleJson == null) throw new ArgumentNullException("bundleJson");
            string rid = RequestIdFor(requestId);
            return RunAsync(() => Update(id, bundleJson, rid), rid, cancellationToken);
        }

        /// <summary>As <see cref="Read(string, string)"/>, on a thread-pool thread. Cancelling stops the
        /// waiting (a read changes nothing).</summary>
        public Task<ReadResult> ReadAsync(string id, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (id == null) throw new ArgumentNullException("id");
            return RunAsync(() => Read(id), null, cancellationToken);
        }

        /// <summary>As <see cref="ResolveUncertainCreate(string, string)"/>, on a thread-pool
        /// thread. Cancelling stops the waiting; with a re-sending policy the re-sent create may
        /// have been processed: call it again with the same request id.</summary>
        public Task<UncertainCreate> ResolveUncertainCreateAsync(string bundleJson, string requestId, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (bundleJson == null) throw new ArgumentNullException("bundleJson");
            if (requestId == null) throw new ArgumentNullException("requestId");
            if (requestId.Length == 0) throw new ArgumentException("the failed create's request id is needed", "requestId");
            byte[] bundle = Native.Encode(bundleJson, "bundleJson");
            return RunAsync(() => ResolveUncertainCreate(bundle, requestId), requestId, cancellationToken);
        }

        /// <summary>The caller's request id, or a fresh UUID (the form libpfhir makes).</summary>
        private static string RequestIdFor(string requestId)
        {
            return requestId ?? Guid.NewGuid().ToString("D");
        }

        private const int NotStarted = 0, Started = 1, Canceled = 2;

        /// <summary>Runs <paramref name="call"/> on the thread pool. A cancellation that wins
        /// the race against the start sends nothing; a later one completes the task with a
        /// <see cref="RequestCanceledException"/> at once and leaves the call to finish alone.</summary>
        private Task<T> RunAsync<T>(Func<T> call, string requestId, CancellationToken ct)
        {
            handle.ThrowIfClosed("Client");
            if (ct.IsCancellationRequested)
            {
                var canceled = new TaskCompletionSource<T>();
                canceled.SetException(new RequestCanceledException(requestId, false, ct));
                return canceled.Task;
            }
            if (!ct.CanBeCanceled) return Task.Run(call);

            int state = NotStarted;
            var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            // Registered before the call is queued, so that the call's thread sees it assigned.
            CancellationTokenRegistration registration = ct.Register(() =>
            {
                bool started = Interlocked.CompareExchange(ref state, Canceled, NotStarted) != NotStarted;
                result.TrySetException(new RequestCanceledException(requestId, started, ct));
            });
            Task.Run(() =>
            {
                try
                {
                    if (Interlocked.CompareExchange(ref state, Started, NotStarted) != NotStarted) return;
                    try
                    {
                        result.TrySetResult(call());
                    }
                    catch (Exception e)
                    {
                        result.TrySetException(e);
                    }
                }
                finally
                {
                    registration.Dispose();
                }
            });
            return result.Task;
        }
    }
}
