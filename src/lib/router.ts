import { Hono } from "hono";
import type { AppEnv } from "../env";

/** A router for one surface or resource; mounted by the app (src/index.ts). */
export const createRouter = () => new Hono<AppEnv>();
