import { createRouter } from "../app";
import { emailDomainRoutes } from "./email-domains";

/** Project-level configuration, shared by every environment of a project (its presence blocks transfers out). */
export const projectConfigRoutes = createRouter().route("/", emailDomainRoutes);
