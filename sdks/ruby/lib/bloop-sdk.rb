# frozen_string_literal: true

# The gem is called bloop-sdk; Bundler's auto-require loads this file.
require_relative "bloop"
