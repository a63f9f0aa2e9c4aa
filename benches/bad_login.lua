-- wrk script: a flood of bad logins. The server should answer 429 before any
-- password hashing once the per-IP budget is spent.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"owner@demo.test","password":"definitely-wrong-password"}'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  n429 = 0
  nother = 0
end

function response(status, headers, body)
  if status == 429 then n429 = n429 + 1 else nother = nother + 1 end
end

function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("n429")
    b = b + t:get("nother")
  end
  io.write(string.format("429 (throttled) responses: %d, other responses: %d\n", a, b))
end
