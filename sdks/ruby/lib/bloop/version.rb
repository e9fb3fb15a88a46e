# frozen_string_literal: true

module Bloop
  VERSION = "0.1.0"
end
