# frozen_string_literal: true

module Bloop
  # Serialized events waiting to be sent, bounded: when full, the oldest event is dropped and counted,
  # so a caller is never blocked. Events leave in order (sent, refused, dropped, or put back at the
  # front for a retry), which lets #await_resolved tell when everything queued before a point has
  # been dealt with.
  class PendingEvents
    attr_reader :capacity

    def initialize(capacity)
      @capacity = capacity
      @events = []
      @mutex = Mutex.new
      @changed = ConditionVariable.new
      @enqueued = 0
      @resolved = 0
      @dropped = 0
      @flush_waiters = 0
      @closing = false
    end

    # Adds one serialized event; returns false when it pushed the oldest one out.
    def add(json, wake_at)
      @mutex.synchronize do
        kept = true
        if @events.size >= @capacity
          @events.shift
          @dropped += 1
          @resolved += 1
          kept = false
        end
        @events << json
        @enqueued += 1
        @changed.broadcast if @events.size >= wake_at
        kept
      end
    end

    # Up to +max_events+ from the front whose batch body ({"events":[...]}) fits in +max_body_bytes+.
    def take(max_events, max_body_bytes)
      @mutex.synchronize do
        batch = []
        bytes = Limits::ENVELOPE_BYTES
        while batch.size < max_events && !@events.empty?
          size = @events.first.bytesize + (batch.empty? ? 0 : 1)
          break if !batch.empty? && bytes + size > max_body_bytes

          batch << @events.shift
          bytes += size
        end
        batch
      end
    end

    # A batch to retry goes back in front; if that overflows, the oldest events are the ones dropped.
    def put_back(batch)
      @mutex.synchronize do
        @events.unshift(*batch)
        while @events.size > @capacity
          @events.shift
          @dropped += 1
          @resolved += 1
        end
        @changed.broadcast
      end
    end

    # +count+ events taken earlier left for good (sent, or refused by the server).
    def resolved(count)
      @mutex.synchronize do
        @resolved += count
        @changed.broadcast
      end
    end

    # Gives up everything not sent yet, queued or in flight (a close that ran out of time); returns
    # how many.
    def abandon
      @mutex.synchronize do
        n = @enqueued - @resolved
        @events.clear
        @dropped += n
        @resolved += n
        @changed.broadcast
        n
      end
    end

    def count_dropped(count = 1)
      @mutex.synchronize { @dropped += count }
    end

    # Waits until +wake_at+ events wait, a flush is asked for, closing starts, or +timeout+ passes.
    def await_work(timeout, wake_at)
      deadline = now + timeout
      @mutex.synchronize do
        until @closing || @events.size >= wake_at || (@flush_waiters.positive? && !@events.empty?)
          remaining = deadline - now
          break if remaining <= 0

          @changed.wait(@mutex, remaining)
        end
      end
    end

    # Waits until the monotonic +deadline+, or until closing starts and +stop_when_closing+ is set.
    def sleep_until(deadline, stop_when_closing)
      @mutex.synchronize do
        loop do
          break if stop_when_closing && @closing

          remaining = deadline - now
          break if remaining <= 0

          @changed.wait(@mutex, remaining)
        end
      end
    end

    # Waits until every event added so far has left the queue for good, or the monotonic deadline
    # passes. True when it did.
    def await_resolved(deadline)
      @mutex.synchronize do
        target = @enqueued
        @flush_waiters += 1
        @changed.broadcast
        begin
          while @resolved < target
            remaining = deadline - now
            return false if remaining <= 0

            @changed.wait(@mutex, [remaining, 0.05].min)
          end
          true
        ensure
          @flush_waiters -= 1
        end
      end
    end

    def start_closing
      @mutex.synchronize do
        @closing = true
        @changed.broadcast
      end
    end

    def closing?
      @mutex.synchronize { @closing }
    end

    def size
      @mutex.synchronize { @events.size }
    end

    def dropped
      @mutex.synchronize { @dropped }
    end

    def now
      Process.clock_gettime(Process::CLOCK_MONOTONIC)
    end
  end
end
