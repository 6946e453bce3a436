wrk.method = "POST"
wrk.headers["Content-Length"] = "0"
