// Appended to a browser bundle's entry (after the README's code, which has imported
// `validate` and `PfhirError` and initialized the module): validates the good and the bad
// fixture served beside the page, checks that misuse throws a PfhirError, and puts the
// results on <body> for browser-check.mjs.
{
  const results = {};
  for (const name of ["good", "bad"]) {
    const text = await (await fetch(`./${name}.json`)).text();
    results[name] = validate(text);
  }
  try {
    validate("{}", { maxDepth: 0 });
    results.thrown = "nothing";
  } catch (e) {
    results.thrown = { instance: e instanceof PfhirError, isError: e instanceof Error, code: e.code };
  }
  document.body.dataset.results = JSON.stringify(results);
  document.body.dataset.ready = "true";
}
