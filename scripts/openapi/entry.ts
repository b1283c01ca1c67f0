// What scripts/build-openapi.mjs bundles and runs in Node: the app, its routes' docs, and the generator.
import app from "../../src/index";
import { openApiDocument } from "../../src/lib/openapi";

export const buildDocument = () => openApiDocument(app);
