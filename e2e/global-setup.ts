/** Nothing to start yet beyond the web server; peers are started by the specs that need them. */
export default async function globalSetup() {}
