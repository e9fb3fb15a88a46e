# frozen_string_literal: true

require_relative "lib/bloop/version"

Gem::Specification.new do |spec|
  spec.name = "bloop-sdk"
  spec.version = Bloop::VERSION
  spec.summary = "Error reporting for bloop, the self-hosted error observability service"
  spec.description = "Captures Ruby exceptions (at exit, in Rack/Rails requests and background jobs) and " \
                     "sends them to a bloop server in signed, bounded batches. Standard library only."
  spec.authors = ["bloop contributors"]
  spec.license = "Apache-2.0"
  spec.required_ruby_version = ">= 3.0"
  spec.files = Dir["lib/**/*.rb"] + %w[README.md LICENSE bloop-sdk.gemspec]
  spec.require_paths = ["lib"]
  spec.metadata["rubygems_mfa_required"] = "true"

  # Nothing at run time: net/http, openssl and json come with Ruby. Development, as in Debian 12:
  spec.add_development_dependency "minitest", "~> 5.17"
  spec.add_development_dependency "rack", "~> 2.2"
  spec.add_development_dependency "rack-test", "~> 2.0"
  spec.add_development_dependency "webmock", "~> 3.18"
end
