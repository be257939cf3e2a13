-- W2-light: GET /api/v1/parties/{id}/view for an ordinary party (a few contact moments).
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

init, request = common.authenticated_get("parties.txt", "/api/v1/parties/", "/view")
