# frozen_string_literal: true

require_relative "test_helper"

class JobTest < Minitest::Test
  include TestSupport

  class Recorder
    attr_reader :captured, :flushes

    def initialize
      @captured = []
      @flushes = 0
    end

    def capture_exception(error, **context)
      @captured << [error, context]
      true
    end

    def flush(*)
      @flushes += 1
      true
    end
  end

  class ImportFailed < StandardError; end

  # A Sidekiq-style job class with the wrapper prepended.
  class ImportJob
    prepend Bloop::Job
    attr_reader :jid

    def initialize
      @jid = "jid-1"
    end

    def perform(id, force: false)
      raise ImportFailed, "row #{id} (force=#{force})" if id.negative?

      [id, force]
    end
  end

  def setup
    @recorder = Recorder.new
    @previous = Bloop.instance_variable_get(:@client)
  end

  def teardown
    Bloop.instance_variable_set(:@client, @previous)
  end

  def test_run_captures_with_the_job_details_and_raises_again
    error = assert_raises(ImportFailed) do
      Bloop::Job.run("ImportJob", queue: "low", jid: "j9", retry_count: 2, client: @recorder, tenant: "acme") do
        raise ImportFailed, "bad row"
      end
    end
    captured, context = @recorder.captured.first
    assert_same error, captured
    assert_equal "ImportJob", context[:route]
    assert_equal({ "job" => "ImportJob", "queue" => "low", "jid" => "j9", "retry_count" => 2, "tenant" => "acme" },
                 context[:metadata])
    assert_equal 0, @recorder.flushes
  end

  def test_run_returns_the_block_value_and_can_flush
    assert_equal 42, Bloop::Job.run("J", client: @recorder) { 42 }
    assert_raises(ImportFailed) { Bloop::Job.run("J", client: @recorder, flush: true) { raise ImportFailed } }
    assert_equal 1, @recorder.flushes
  end

  def test_shutdown_interrupts_are_not_captured
    assert_raises(Interrupt) { Bloop::Job.run("J", client: @recorder) { raise Interrupt } }
    assert_empty @recorder.captured
  end

  def test_prepended_wrapper_passes_arguments_and_keywords
    Bloop.instance_variable_set(:@client, @recorder)
    assert_equal [3, true], ImportJob.new.perform(3, force: true)
    error = assert_raises(ImportFailed) { ImportJob.new.perform(-1, force: true) }
    assert_equal "row -1 (force=true)", error.message
    _, context = @recorder.captured.first
    assert_equal "JobTest::ImportJob", context[:route]
    assert_equal "jid-1", context[:metadata]["jid"]
  end

  def test_sidekiq_style_server_middleware
    middleware = Bloop::Job::Middleware.new(client: @recorder)
    job = { "class" => "ActiveJob::QueueAdapters::SidekiqAdapter::JobWrapper", "wrapped" => "MailerJob",
            "jid" => "abc", "retry_count" => 1, "args" => ["secret@example.com"] }
    assert_raises(ImportFailed) { middleware.call(Object.new, job, "mailers") { raise ImportFailed, "smtp" } }
    _, context = @recorder.captured.first
    assert_equal "MailerJob", context[:route]
    assert_equal({ "job" => "MailerJob", "queue" => "mailers", "jid" => "abc", "retry_count" => 1 }, context[:metadata])
    assert_equal :ok, middleware.call(Object.new, job, "mailers") { :ok }
  end

  def test_with_error_capture_reports_and_raises_again
    Bloop.instance_variable_set(:@client, @recorder)
    assert_equal :done, Bloop.with_error_capture(route: "nightly") { :done }
    error = assert_raises(ImportFailed) { Bloop.with_error_capture(route: "nightly") { raise ImportFailed, "x" } }
    assert_raises(SystemExit) { Bloop.with_error_capture { exit 2 } }
    assert_equal [[error, { route: "nightly" }]], @recorder.captured
  end

  def test_the_event_on_the_wire
    server = StandIn.new
    client = new_client(server.url)
    assert_raises(ImportFailed) { Bloop::Job.run("NightlyImport", queue: "etl", client: client) { raise ImportFailed, "x" } }
    assert client.flush(3)
    event = server.events.first
    assert_equal ["JobTest::ImportFailed", "NightlyImport", { "job" => "NightlyImport", "queue" => "etl" }],
                 event.values_at("error_type", "route_or_procedure", "metadata")
  ensure
    server&.stop
  end
end
