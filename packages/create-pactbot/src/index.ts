/**
 * create-pactbot: `npm create pactbot` writes a new bot project. Its function is exported too, for
 * tools that make projects themselves.
 * @packageDocumentation
 */
export {
  createProject,
  packageNameOf,
  type CreateProjectOptions,
  type CreatedProject,
} from './create-project.js';
