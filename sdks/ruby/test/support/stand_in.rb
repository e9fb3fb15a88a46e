# frozen_string_literal: true

require "socket"
require "json"

# A loopback HTTP server standing in for bloop: records every request and answers from a script
# (status, headers, body), by default 200 {"accepted":n,"errors":[]}. Special answers:
# :drop closes the connection without a response (a network error), :hang never answers.
class StandIn
  Request = Struct.new(:method, :path, :headers, :body, :at) do
    def json
      JSON.parse(body)
    end

    def events
      json["events"]
    end
  end

  attr_reader :port

  def initialize
    @server = TCPServer.new("127.0.0.1", 0)
    @port = @server.addr[1]
    @requests = []
    @script = []
    @mutex = Mutex.new
    @arrived = ConditionVariable.new
    @threads = []
    @accept = Thread.new { accept_loop }
    @accept.report_on_exception = false
  end

  def url
    "http://127.0.0.1:#{@port}"
  end

  # Answers for the next requests, in order; afterwards the default 200.
  def script(*answers)
    @mutex.synchronize { @script.concat(answers) }
    self
  end

  def requests
    @mutex.synchronize { @requests.dup }
  end

  def events
    requests.flat_map(&:events)
  end

  # Waits until +count+ requests arrived; returns them (fewer on timeout).
  def wait_for(count, timeout = 5)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
    @mutex.synchronize do
      while @requests.size < count
        remaining = deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC)
        break if remaining <= 0

        @arrived.wait(@mutex, remaining)
      end
      @requests.dup
    end
  end

  def stop
    @accept.kill
    @threads.each(&:kill)
    @server.close unless @server.closed?
  end

  private

  def accept_loop
    loop do
      socket = @server.accept
      t = Thread.new(socket) { |s| handle(s) }
      t.report_on_exception = false
      @threads << t
    end
  end

  def handle(socket)
    request_line = socket.gets or return
    method, path, = request_line.split(" ")
    headers = {}
    while (line = socket.gets) && line != "\r\n"
      name, value = line.split(":", 2)
      headers[name.strip.downcase] = value.to_s.strip
    end
    body = socket.read(headers["content-length"].to_i) || ""
    request = Request.new(method, path, headers, body.force_encoding(Encoding::UTF_8),
                          Process.clock_gettime(Process::CLOCK_MONOTONIC))
    answer = @mutex.synchronize do
      @requests << request
      @arrived.broadcast
      @script.shift
    end
    answer ||= [200, {}, nil]
    return socket.close if answer == :drop
    return sleep if answer == :hang

    status, extra, text = answer
    text ||= JSON.generate("accepted" => (request.events.size rescue 0), "errors" => [])
    head = ["HTTP/1.1 #{status} X", "Content-Type: application/json", "Content-Length: #{text.bytesize}",
            "Connection: close"]
    extra.each { |k, v| head << "#{k}: #{v}" }
    socket.write(head.join("\r\n") + "\r\n\r\n" + text)
    socket.close
  rescue IOError, SystemCallError
    nil
  end
end
