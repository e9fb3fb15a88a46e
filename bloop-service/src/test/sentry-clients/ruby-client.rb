# Debian's ruby-sentry-ruby (5.x: envelopes, sent synchronously here) pointed at bloop by its DSN.
# Usage: ruby ruby-client.rb <dsn> <release> <environment> <phase>   (phases: see node-client.mjs)
require 'json'
require 'sentry-ruby'

dsn, release, environment, phase = ARGV
Sentry.init do |config|
  config.dsn = dsn
  config.release = release
  config.environment = environment
  config.background_worker_threads = 0
  config.send_client_reports = false
  config.logger = Logger.new(nil)
end

class CartError < StandardError; end
class RefundError < StandardError; end

def checkout(cart_id)
  raise CartError, "cart #{cart_id} has no items"
end

def refund(order_id)
  raise RefundError, "refund of order #{order_id} exceeds the payment"
end

report = { phase: phase, sent: 0 }
case phase
when 'issues'
  [17, 42].each do |cart|
    begin
      checkout(cart)
    rescue CartError => e
      Sentry.capture_exception(e)
      report[:sent] += 1
    end
  end
  begin
    refund(7)
  rescue RefundError => e
    Sentry.capture_exception(e)
    report[:sent] += 1
  end
  Sentry.capture_message('ruby says hello')
when 'quota'
  4.times do |i|
    begin
      checkout(100 + i)
    rescue CartError => e
      Sentry.capture_exception(e)
      report[:sent] += 1
    end
  end
end
puts JSON.generate(report)
