-- W2: GET /api/v1/parties/{id}/view for one of the heavy parties (~500 contact moments), first page.
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

init, request = common.authenticated_get("heavy_parties.txt", "/api/v1/parties/", "/view")
