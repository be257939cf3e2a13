-- W2 through the standard: the newest 20 klantcontacten of a heavy party (~500 contact moments).
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

init, request = common.authenticated_get(
  "heavy_parties.txt",
  "/klantinteracties/api/v1/klantcontacten?pageSize=20&hadBetrokkene__wasPartij__uuid=",
  "",
  "Token")
