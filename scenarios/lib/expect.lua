-- Checks for validation scripts: compare a measured value with an expected
-- one (an RFC's, a paper's, a hand calculation's), print the comparison,
-- and stop the run with an error if it fails.
--
--   local near = require("expect").near
--   near(measured_loss, 1 / 6, 0.02, "UDP loss fraction")   -- within 2 %
local expect = {}

-- Relative tolerance: |actual - expected| <= tol * |expected|.
function expect.near(actual, expected, tol, what)
  local ok = math.abs(actual - expected) <= tol * math.abs(expected)
  print(string.format("%s %s = %.6g (expected %.6g +- %g%%)", ok and "ok:" or "FAIL:",
                      what, actual, expected, tol * 100))
  assert(ok, what)
end

return expect
