// The quickstart in C# with HttpClient and a JSON serializer from the framework: create a
// source, push items, run, apply, search, ask. Needs CHATBOT_API (e.g. http://127.0.0.1:3000/api)
// and CHATBOT_KEY (a write key). Builds with the .NET SDK or with Mono:
//   mcs -r:System.Net.Http -r:System.Web.Extensions Quickstart.cs -out:quickstart.exe && mono quickstart.exe
using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Web.Script.Serialization;

class KbApi
{
    readonly HttpClient http = new HttpClient();
    readonly JavaScriptSerializer json = new JavaScriptSerializer();
    readonly string baseUrl;

    public KbApi(string baseUrl, string key)
    {
        this.baseUrl = baseUrl.TrimEnd('/');
        http.DefaultRequestHeaders.Add("Authorization", "Bearer " + key);
        http.Timeout = TimeSpan.FromSeconds(60);
    }

    public string ToJson(object value) { return json.Serialize(value); }

    // One request: mutations carry an Idempotency-Key (the same one on each retry, so the API
    // applies the request once); 429 and 5xx are retried after Retry-After (or 1 s), 3 times.
    public async Task<Answer> Call(string method, string path, object body = null)
    {
        string idempotencyKey = Guid.NewGuid().ToString();
        // A Location names "/api/v1/..."; paths here start at "/v1/...".
        string url = path.StartsWith("/v1/") ? baseUrl + path : new Uri(new Uri(baseUrl), path).ToString();
        for (int attempt = 1; ; attempt++)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (method != "GET") request.Headers.Add("Idempotency-Key", idempotencyKey);
            if (body != null) request.Content = new StringContent(ToJson(body), Encoding.UTF8, "application/json");
            using (var response = await http.SendAsync(request))
            {
                int status = (int)response.StatusCode;
                string text = await response.Content.ReadAsStringAsync();
                if ((status == 429 || status >= 500) && attempt <= 3)
                {
                    var after = response.Headers.RetryAfter;
                    Thread.Sleep(after != null && after.Delta.HasValue ? after.Delta.Value : TimeSpan.FromSeconds(1));
                    continue;
                }
                var data = text.Length > 0 ? (Dictionary<string, object>)json.DeserializeObject(text) : new Dictionary<string, object>();
                if (status >= 400)
                    throw new Exception(method + " " + path + " -> " + status + " " + data["code"] + ": " + data["error"]);
                var location = response.Headers.Location;
                return new Answer { Status = status, Location = location == null ? null : location.OriginalString, Data = data };
            }
        }
    }

    // GETs a 202's Location until the work in `envelope` has succeeded.
    public async Task<Dictionary<string, object>> Poll(string location, string envelope)
    {
        for (int i = 0; i < 1200; i++)
        {
            var work = (Dictionary<string, object>)(await Call("GET", location)).Data[envelope];
            var status = (string)work["status"];
            if (status == "succeeded") return work;
            if (status == "failed") throw new Exception(envelope + " failed: " + work["errorCode"]);
            Thread.Sleep(500);
        }
        throw new TimeoutException(location + " did not finish");
    }
}

class Answer
{
    public int Status;
    public string Location;
    public Dictionary<string, object> Data;
}

static class Quickstart
{
    static Dictionary<string, object> Obj(object value) { return (Dictionary<string, object>)value; }

    static async Task Run()
    {
        var api = new KbApi(Environment.GetEnvironmentVariable("CHATBOT_API"), Environment.GetEnvironmentVariable("CHATBOT_KEY"));

        // 1. A source
        var source = Obj((await api.Call("POST", "/v1/sources", new { name = "C# example", graceDays = 7 })).Data["source"]);
        var sid = (string)source["id"];
        Console.WriteLine("source: " + sid);

        // 2. Items: one upsert, then a batch
        var upsert = await api.Call("POST", "/v1/sources/" + sid + "/items", new
        {
            externalItemId = "refunds", title = "Refunds", content = "Refunds take 14 days to reach your card.", tags = new[] { "billing" },
        });
        Console.WriteLine("upsert refunds: " + upsert.Status + " " + upsert.Data["outcome"]);
        var batch = await api.Call("POST", "/v1/sources/" + sid + "/items/batch", new
        {
            items = new object[]
            {
                new { externalItemId = "shipping", title = "Shipping", content = "We ship every order within 2 days." },
                new { externalItemId = "returns", title = "Returns", content = "Returns are free for 30 days." },
            },
        });
        Console.WriteLine("batch: succeeded " + batch.Data["succeeded"] + ", failed " + batch.Data["failed"]);

        // 3. Run (201, or 202 to poll), then apply it (200, or 202 to poll)
        var started = await api.Call("POST", "/v1/sources/" + sid + "/runs");
        var run = started.Status == 202 ? await api.Poll(started.Location, "run") : Obj(started.Data["run"]);
        var rid = (string)run["id"];
        Console.WriteLine("run: " + rid + " " + api.ToJson(run["counts"]));
        var applied = await api.Call("POST", "/v1/sources/" + sid + "/runs/" + rid + "/apply");
        var applyStatus = (string)applied.Data["status"];
        var generationId = (string)applied.Data["generationId"];
        if (applied.Status == 202)
        {
            await api.Poll(applied.Location, "generation");
            applyStatus = "published";
        }
        Console.WriteLine("apply: " + applyStatus + " " + generationId);

        // 4. Search, then ask
        var search = await api.Call("POST", "/v1/search", new { query = "how long do refunds take", sourceIds = new[] { sid }, limit = 3 });
        var results = ((object[])search.Data["results"]).Select(Obj).ToList();
        foreach (var r in results) Console.WriteLine("search: " + Obj(r["item"])["externalItemId"] + " " + r["score"]);
        var answer = (await api.Call("POST", "/v1/query", new { query = "How long do refunds take?", sourceIds = new[] { sid } })).Data;
        Console.WriteLine("answer: " + answer["answer"]);

        Console.WriteLine(api.ToJson(new Dictionary<string, object>
        {
            { "sourceId", sid },
            { "counts", run["counts"] },
            { "applyStatus", applyStatus },
            { "generationId", generationId },
            { "searchIds", results.Select(r => Obj(r["item"])["externalItemId"]).ToArray() },
            { "answer", answer["answer"] },
            { "citedIds", ((object[])answer["sources"]).Select(s => Obj(s)["externalItemId"]).ToArray() },
        }));
    }

    static int Main()
    {
        try
        {
            Run().GetAwaiter().GetResult();
            return 0;
        }
        catch (Exception error)
        {
            Console.Error.WriteLine(error.Message);
            return 1;
        }
    }
}
