-- wrk script of `make bench` (portal/bench/run.py writes the request file).
--
-- BENCH_REQUESTS names a file with one request a line, tab-separated:
--   method, path, Cookie header (the buyer's session and CSRF cookies), x-csrftoken ("" for GET),
--   "1" for an htmx request (HX-Request: true), form body ("" for none, else url-encoded).
-- Each thread formats every request once and then rotates through them, starting at its own
-- place, so paths, terms and buyers alternate. done() prints one line the runner reads.

local requests = {}
local position = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 7)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, path, cookie, token, htmx, body =
      line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    if method then
      local headers = { Cookie = cookie }
      if htmx == "1" then headers["HX-Request"] = "true" end
      if token ~= "" then headers["x-csrftoken"] = token end
      if body == "" then
        body = nil
      else
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      end
      requests[#requests + 1] = wrk.format(method, path, headers, body)
    end
  end
  position = (offset or 0) % #requests
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
