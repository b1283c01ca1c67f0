export * from "./browser-sessions";
export * from "./environment-data";
export * from "./environment-moves";
export * from "./people";
export * from "./project-config";
export * from "./sign-in";
export * from "./sign-in-codes";
export * from "./teams";
