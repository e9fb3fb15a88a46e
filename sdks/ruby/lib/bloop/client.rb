# frozen_string_literal: true

module Bloop
  # Reports errors to bloop. Thread-safe; Bloop.init makes the one most applications need.
  #
  # Capturing never blocks and never raises: an event is checked, capped and serialized in the
  # caller's thread, then put on a bounded queue (when full, the oldest event is dropped and
  # counted). One background thread sends signed batches of at most 50 events / 32 KB, every
  # flush_interval or as soon as a batch is full. 429 and 503 wait for Retry-After, network errors
  # and 5xx back off exponentially (the events are kept); other answers drop the batch and are logged
  # once. At exit (at_exit) the client captures the exception that is ending the process and sends
  # what is queued, waiting at most shutdown_timeout.
  class Client
    CAPTURED_IVAR = :@__bloop_captured

    attr_reader :config

    def initialize(config = nil, **options)
      @config = config || Config.new(**options)
      @config.validate!
      @enabled = @config.enabled ? true : false
      @pending = PendingEvents.new(@config.max_queue_size)
      @transport = @enabled ? Transport.new(@config) : nil
      @lock = Mutex.new
      @sender = nil
      @pid = Process.pid
      @closed = false
      @close_result = nil
      @close_deadline = nil
      @warned = {}
      install_at_exit if @enabled
    end

    def enabled?
      @enabled && !@closed
    end

    # Reports +exception+ (type, message, backtrace with its causes). +context+ takes the event's
    # fields (route:, http_status:, request_id:, user_id_hash:, fingerprint:, metadata:, ...); any
    # other key is added to metadata. Returns true when the event was queued. The same exception
    # object is reported once, however many layers (middleware, job wrapper, at_exit) see it.
    def capture_exception(exception, **context)
      return false unless enabled?
      return capture_message("Error", exception.to_s, **context) unless exception.is_a?(Exception)
      return false if captured?(exception)

      mark_captured(exception)
      enqueue(Events.from_exception(exception, context, root: @config.project_root_prefix))
    rescue StandardError => e
      internal_error(e)
    end

    # capture_message("text") reports a message of type "Message"; capture_message(type, text) an
    # error without an exception (a failed check, an unexpected answer, ...).
    def capture_message(type_or_message, message = nil, **context)
      return false unless enabled?

      type, text = message.nil? ? ["Message", type_or_message] : [type_or_message, message]
      enqueue(Events.merge_context({ "error_type" => type.to_s, "message" => text.to_s }, context))
    rescue StandardError => e
      internal_error(e)
    end

    # A fully built event (a Hash with the wire field names); timestamp, source, environment and
    # release default to the client's. Fields the server does not know are left out (and logged once).
    def capture(event)
      return false unless enabled?
      return false unless event.is_a?(Hash)

      enqueue(event)
    rescue StandardError => e
      internal_error(e)
    end

    # Sends everything captured before this call, waiting at most +timeout+ seconds. True when all of
    # it left the queue (sent, refused by the server, or dropped); false on timeout.
    def flush(timeout = nil)
      return true unless @enabled
      return @close_result if @closed

      timeout = (timeout || @config.shutdown_timeout).to_f
      outside_trap do
        ensure_sender
        @pending.await_resolved(monotonic + timeout)
      end
    rescue StandardError => e
      internal_error(e)
    end

    # Flushes (at most +timeout+ seconds), stops the sender and turns this client off: later captures
    # are ignored and the at_exit hook does nothing. Idempotent; returns true when nothing was lost.
    def close(timeout = nil)
      return true unless @enabled

      timeout = (timeout || @config.shutdown_timeout).to_f
      outside_trap { close_now(timeout) }
    rescue StandardError => e
      internal_error(e)
    end

    # Events dropped: the queue overflowed, a close ran out of time, or an event could not be sent.
    def dropped_count
      @pending.dropped
    end

    # Events waiting to be sent.
    def pending_count
      @pending.size
    end

    # The at_exit hook: reports the exception ending the process (not a successful exit, and not
    # SIGTERM/SIGINT unless capture_signals), then sends what is queued within shutdown_timeout.
    # Rescues everything: the process ends exactly as it would have without bloop.
    def run_at_exit(error)
      return if @closed

      capture_exit_error(error) if @config.auto_capture && error
      close(@config.shutdown_timeout)
    rescue Exception # rubocop:disable Lint/RescueException
      nil
    end

    private

    def capture_exit_error(error)
      case error
      when SystemExit
        return if error.success?

        capture_exception(error, metadata: { "unhandled" => true, "exit_status" => error.status })
      when SignalException
        capture_exception(error, metadata: { "unhandled" => true, "signal" => error.signm }) if @config.capture_signals
      else
        capture_exception(error, metadata: { "unhandled" => true })
      end
    end

    def enqueue(event)
      event, unknown = Events.prepare(event, @config)
      warn_once(:unknown_fields, "bloop: left out fields the server does not accept: #{unknown.join(', ')}") unless unknown.empty?
      if @config.before_send
        result = call_before_send(event)
        return false unless result.is_a?(Hash)

        event, = Events.prepare(result, @config)
      end
      json = Events.serialize(event)
      if json.bytesize > Limits::BODY_BYTES - Limits::ENVELOPE_BYTES
        warn_once(:too_big, "bloop: an event of #{json.bytesize} bytes is over the #{Limits::BODY_BYTES}-byte body cap; dropped")
        @pending.count_dropped
        return false
      end
      outside_trap do
        ensure_sender
        kept = @pending.add(json, @config.max_batch_size)
        warn_once(:overflow, "bloop: queue full (#{@config.max_queue_size}); dropping the oldest events") unless kept
      end
      true
    end

    def call_before_send(event)
      @config.before_send.call(event)
    rescue StandardError => e
      warn_once(:before_send, "bloop: before_send raised #{e.class}: #{e.message}; event dropped")
      @pending.count_dropped
      nil
    end

    # Starts the sender thread unless it runs. In a forked child (threads do not survive fork) the
    # events inherited from the parent are left to the parent, which sends them.
    def ensure_sender(closing: false)
      @lock.synchronize do
        if @pid != Process.pid
          @pid = Process.pid
          @pending = PendingEvents.new(@config.max_queue_size)
          @sender = nil
        end
        return @sender if @sender&.alive?
        return nil if @closed && !closing

        @sender = Thread.new { run_sender }
        @sender.name = "bloop-sender" if @sender.respond_to?(:name=)
        @sender.report_on_exception = false
        @sender
      end
    end

    def run_sender
      backoff = @config.backoff_base
      pending = @pending
      loop do
        pending.await_work(@config.flush_interval, @config.max_batch_size)
        batch = pending.take(@config.max_batch_size, Limits::BODY_BYTES)
        if batch.empty?
          break if pending.closing?

          next
        end
        started_closing = pending.closing?
        outcome = @transport.send_batch(batch)
        unless outcome.kind == :retry
          pending.resolved(batch.size)
          backoff = @config.backoff_base
          next
        end
        pending.put_back(batch)
        rate_limited = [429, 503].include?(outcome.status)
        wait = outcome.retry_after || (rate_limited ? @config.default_retry_after : jitter(backoff))
        backoff = [backoff * 2, @config.max_backoff].min unless rate_limited
        if pending.closing?
          # Closing: a Retry-After is waited for only when it ends before the close deadline; after
          # a network error or 5xx, one last attempt at once unless this one was already it.
          if rate_limited
            break unless monotonic + wait < @close_deadline.to_f
          else
            break if started_closing

            next
          end
        end
        # A close cuts a backoff short (for that last attempt), never a server's Retry-After.
        pending.sleep_until(monotonic + wait, !rate_limited)
      end
    rescue Exception => e # rubocop:disable Lint/RescueException
      internal_error(e) unless e.is_a?(SignalException) || e.is_a?(SystemExit)
    end

    def close_now(timeout)
      @lock.synchronize do
        return @close_result if @closed

        @closed = true
        @close_deadline = monotonic + timeout
      end
      sender = ensure_sender(closing: true)
      @pending.start_closing
      sender.join([@close_deadline - monotonic, 0].max)
      if sender.alive?
        sender.kill
        sender.join(0.5)
      end
      lost = @pending.abandon
      @config.logger.warn("bloop: #{lost} events not sent within #{timeout}s") if lost.positive?
      @close_result = lost.zero?
    end

    def install_at_exit
      client = self
      at_exit { client.run_at_exit($!) }
    end

    def captured?(exception)
      exception.instance_variable_defined?(CAPTURED_IVAR)
    end

    def mark_captured(exception)
      exception.instance_variable_set(CAPTURED_IVAR, true) unless exception.frozen?
    end

    def jitter(seconds)
      seconds / 2.0 + rand * seconds / 2.0
    end

    # Ruby refuses Mutex#lock inside a signal handler (trap); do that work on a helper thread and
    # wait for it, so flush/close/capture also work from a trap block.
    def outside_trap(&block)
      return block.call unless in_trap?

      result = nil
      Thread.new { result = block.call }.join
      result
    end

    def in_trap?
      Mutex.new.synchronize {}
      false
    rescue ThreadError
      true
    end

    def warn_once(kind, message)
      return if @warned[kind]

      @warned[kind] = true
      @config.logger.warn(message)
    rescue StandardError
      nil
    end

    def internal_error(error)
      @config.logger.error("bloop: internal error #{error.class}: #{error.message}")
      false
    rescue StandardError
      false
    end

    def monotonic
      Process.clock_gettime(Process::CLOCK_MONOTONIC)
    end
  end
end
