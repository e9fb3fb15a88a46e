# frozen_string_literal: true

module Bloop
  # Background jobs: report an exception a job raises, with the job's class, queue and id, then
  # raise it again so the job system's retries and dead sets work as before.
  #
  #   Bloop::Job.run("HardJob", queue: "default", jid: jid) { HardJob.new.perform(*args) }
  #
  #   class HardJob
  #     include Sidekiq::Job
  #     prepend Bloop::Job          # wraps #perform
  #     def perform(id) = ...
  #   end
  #
  #   Sidekiq.configure_server do |config|   # or every job at once
  #     config.server_middleware { |chain| chain.add Bloop::Job::Middleware }
  #   end
  module Job
    # Runs the block; an exception is reported and raised again. Signals and exit are not reported
    # (Sidekiq's shutdown is an Interrupt). flush: true waits for the send, for job runners that end
    # their process with exit! (at_exit does not run then).
    def self.run(job_class, queue: nil, jid: nil, retry_count: nil, client: nil, flush: false, **metadata)
      yield
    rescue Exception => e # rubocop:disable Lint/RescueException
      unless e.is_a?(SignalException) || e.is_a?(SystemExit)
        begin
          target = client || Bloop
          details = { "job" => job_class.to_s, "queue" => queue, "jid" => jid, "retry_count" => retry_count }
          details = details.merge(metadata.transform_keys(&:to_s)).reject { |_, v| v.nil? }
          target.capture_exception(e, route: job_class.to_s, metadata: details)
          target.flush if flush
        rescue StandardError
          nil
        end
      end
      raise
    end

    # Prepended to a job class: its #perform runs inside Bloop::Job.run.
    ruby2_keywords def perform(*args, &block)
      Bloop::Job.run(self.class.name, jid: (jid if respond_to?(:jid))) { super(*args, &block) }
    end

    # A Sidekiq server middleware (call(job_instance, job_hash, queue) { ... }).
    class Middleware
      def initialize(client: nil)
        @client = client
      end

      def call(_worker, job, queue, &block)
        job = {} unless job.is_a?(Hash)
        job_class = job["wrapped"] || job["class"] || _worker.class.name
        Bloop::Job.run(job_class, queue: queue, jid: job["jid"], retry_count: job["retry_count"],
                                  client: @client, &block)
      end
    end
  end
end
