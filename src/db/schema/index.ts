export * from "./teams";
export * from "./environment-data";
export * from "./project-config";
export * from "./people";
