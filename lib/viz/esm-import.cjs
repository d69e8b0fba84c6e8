// A real dynamic import() for code compiled to CommonJS (tslab rewrites every
// import, even import(), into require(), which cannot load ES modules with
// top-level await such as vega 6 and vega-lite 6). Specifiers resolve from here.
module.exports = (specifier) => import(specifier);
