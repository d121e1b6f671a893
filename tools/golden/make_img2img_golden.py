#!/usr/bin/python3
"""Golden vectors for image-to-image and inpainting, made with diffusers 0.35.2's own code and PIL.

Why: the worker reimplements, in Java, what diffusers' StableDiffusionImg2ImgPipeline and
StableDiffusionInpaintPipeline do before and around the UNet: the strength's timesteps, add_noise, steps
that start at a later index, the VAE latent sampling with a torch generator, the image processor's PIL
LANCZOS resize and normalisation, the mask processing. These files are the reference its tests compare with.

Writes (each described in worker/src/test/resources/golden/img2img/README.md):

    worker/src/test/resources/golden/img2img/schedulers_img2img.json   timesteps per strength, add_noise,
                                                                        img2img and inpaint trajectories
    worker/src/test/resources/golden/img2img/latents.json               latent sampling and draw order
    worker/src/test/resources/golden/img2img/images.json                decoding, resize, preprocessing

Run (Debian's python; diffusers is not installed, its source is used as checked out):

    apt-get install -y python3-torch python3-numpy python3-pil python3-scipy python3-packaging
    git --git-dir=<diffusers.git> archive v0.35.2 | tar -x -C /tmp/diffusers
    /usr/bin/python3 tools/golden/make_img2img_golden.py --diffusers /tmp/diffusers

What is real and what is a stand-in:
- The scheduler classes (scheduling_*.py), VaeImageProcessor (image_processor.py), randn_tensor
  (utils/torch_utils.py) are imported from the diffusers source and run unmodified.
- diffusers' package import pulls in huggingface_hub, safetensors and tqdm, which are not installed here
  (no PyPI). They are replaced by stand-in modules (StubFinder below) whose attributes are inert
  placeholders; the code paths used here never call them (hub downloads, weight files, progress bars).
  diffusers.dependency_versions_check, which insists on pip metadata for filelock, is replaced by a no-op.
- DiagonalGaussianDistribution lives in models/autoencoders/vae.py, whose module imports diffusers'
  model stack, which needs a newer torch than Debian's 1.13 (torch.float8_e4m3fn). Its class source is
  read from vae.py and executed on its own (class_from_source) with torch and randn_tensor in scope.
- The pipelines' get_timesteps method is read the same way from pipeline_stable_diffusion_img2img.py and
  called with a minimal object holding the scheduler (the pipeline module needs transformers).
- The pipeline loops themselves (prepare_latents, the denoising loop, the inpaint blend) are written out
  below in diffusers' order of operations, with the stand-in model output of the scheduler golden file
  (eps = 0.1 * x_in + 0.05 * sin(t / 100)), because the real pipelines need a UNet and a VAE.
"""

import argparse
import ast
import base64
import hashlib
import importlib.abc
import importlib.machinery
import io
import json
import math
import platform
import re
import subprocess
import sys
import types
import warnings
from pathlib import Path

import numpy as np
import torch
import PIL
from PIL import Image, ImageCms

REPO = Path(__file__).resolve().parent.parent.parent
OUT = REPO / "worker" / "src" / "test" / "resources" / "golden" / "img2img"
DIFFUSERS_TAG = "v0.35.2"

# ----------------------------------------------------------------------------------------------
# Importing diffusers' source without its hub dependencies
# ----------------------------------------------------------------------------------------------
STUBBED_PACKAGES = ("huggingface_hub", "safetensors", "tqdm")


class _Inert:
    """What a stand-in module hands out: callable, subclassable, every attribute another inert value."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return _Inert()

    def __getattr__(self, name):
        return _Inert()


class StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves stand-in modules for STUBBED_PACKAGES (and their submodules) to diffusers' imports."""

    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in STUBBED_PACKAGES:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__version__ = "0.0.0-stub"

        def attribute(name):
            if name.startswith("__"):
                raise AttributeError(name)
            if name.isupper():  # constants such as HF_HOME: a path nothing will exist at
                return "/nonexistent/stub-" + name.lower()
            return type(name, (_Inert,), {})

        module.__getattr__ = attribute
        return module

    def exec_module(self, module):
        pass


def import_diffusers(src):
    sys.meta_path.insert(0, StubFinder())
    no_check = types.ModuleType("diffusers.dependency_versions_check")
    no_check.dep_version_check = lambda *args, **kwargs: None
    sys.modules[no_check.__name__] = no_check
    sys.path.insert(0, str(src))
    import diffusers.schedulers as schedulers  # noqa: F401
    from diffusers.image_processor import VaeImageProcessor
    from diffusers.utils.torch_utils import randn_tensor
    return VaeImageProcessor, randn_tensor


def definition_from_source(path, name, namespace):
    """Executes the top-level class or function `name` of a diffusers source file, alone, in `namespace`."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name == name:
            code = compile(ast.Module(body=[node], type_ignores=[]), str(path), "exec")
            exec(code, namespace)
            return namespace[name]
    raise LookupError(f"{name} not found in {path}")


def method_from_source(path, class_name, method_name, namespace):
    """Executes method `method_name` of class `class_name` as a plain function (self is the first argument)."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == method_name:
                    code = compile(ast.Module(body=[item], type_ignores=[]), str(path), "exec")
                    exec(code, namespace)
                    return namespace[method_name]
    raise LookupError(f"{class_name}.{method_name} not found in {path}")


# ----------------------------------------------------------------------------------------------
# Number formatting (as schedulers.json: exact float32 values, shortest double repr)
# ----------------------------------------------------------------------------------------------
def f32list(tensor):
    array = tensor.detach().cpu().numpy() if isinstance(tensor, torch.Tensor) else np.asarray(tensor)
    return [float(v) for v in np.asarray(array, dtype=np.float32).reshape(-1)]


def timestep_list(timesteps):
    if timesteps.dtype in (torch.int64, torch.int32):
        return [int(v) for v in timesteps]
    return [float(np.float32(v)) for v in timesteps]


def b64(data):
    return base64.b64encode(bytes(data)).decode("ascii")


def plain_config(config):
    out = {}
    for key, value in dict(config).items():
        if key.startswith("_"):
            continue
        if isinstance(value, float) and math.isinf(value):
            value = "-inf" if value < 0 else "inf"
        if isinstance(value, tuple):
            value = list(value)
        out[key] = value
    return out


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(obj, indent=None, separators=(",", ":"), allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    print(f"{path.stat().st_size:>9,}  {path}")


# ----------------------------------------------------------------------------------------------
# Schedulers
# ----------------------------------------------------------------------------------------------
BASE_CONFIG = {
    "num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
    "steps_offset": 1, "set_alpha_to_one": False, "clip_sample": False, "skip_prk_steps": True,
    "prediction_type": "epsilon", "timestep_spacing": "leading", "trained_betas": None,
}

# variant -> (class name, config extras, step kwargs, stochastic)
VARIANTS = {
    "PNDM": ("PNDMScheduler", {}, {}, False),
    "DDIM_eta0": ("DDIMScheduler", {}, {"eta": 0.0}, False),
    "EulerDiscrete": ("EulerDiscreteScheduler", {}, {}, False),
    "EulerAncestralDiscrete": ("EulerAncestralDiscreteScheduler", {}, {}, True),
    "DPMSolverMultistep_2M": ("DPMSolverMultistepScheduler",
                              {"algorithm_type": "dpmsolver++", "solver_order": 2, "use_karras_sigmas": False}, {},
                              False),
    "DPMSolverMultistep_2M_Karras": ("DPMSolverMultistepScheduler",
                                     {"algorithm_type": "dpmsolver++", "solver_order": 2, "use_karras_sigmas": True},
                                     {}, False),
    "LMSDiscrete": ("LMSDiscreteScheduler", {}, {}, False),
    "UniPCMultistep": ("UniPCMultistepScheduler", {}, {}, False),
}
NOISE_SEED = 42  # Euler ancestral's step noise, a fresh generator per trajectory (as schedulers.json)
SHAPE = (1, 4, 2, 2)  # the scheduler math is elementwise; 16 values of varied size exercise it


def make_scheduler(variant, spacing):
    import diffusers.schedulers as schedulers
    class_name, extras, _, _ = VARIANTS[variant]
    config = dict(BASE_CONFIG, timestep_spacing=spacing, **extras)
    return getattr(schedulers, class_name).from_config(config)


def model_output(x_in, t):
    """The stand-in model of schedulers.json, in float32: 0.1 * x_in + (float)(0.05 * sin(t / 100))."""
    return 0.1 * x_in + 0.05 * math.sin(float(t) / 100.0)


class FakePipeline:
    """What get_timesteps reads of the pipeline: its scheduler."""

    def __init__(self, scheduler):
        self.scheduler = scheduler


def recorded_step(scheduler, variant, eps, t, sample, generator):
    """One scheduler.step as the pipeline calls it, returning (prev_sample, the noise it drew or None)."""
    _, _, kwargs, stochastic = VARIANTS[variant]
    if not stochastic:
        return scheduler.step(eps, t, sample, **kwargs).prev_sample, None
    state = generator.get_state()
    prev = scheduler.step(eps, t, sample, generator=generator, **kwargs).prev_sample
    replay = torch.Generator().set_state(state)
    noise = torch.randn(sample.shape, generator=replay, dtype=sample.dtype)
    return prev, noise


def scheduler_golden(get_timesteps):
    torch.manual_seed(0)
    image_latents = torch.randn(SHAPE, generator=torch.Generator().manual_seed(7)) * 0.8
    noise = torch.randn(SHAPE, generator=torch.Generator().manual_seed(8))
    mask = torch.tensor([[0, 1], [1, 0]], dtype=torch.float32).reshape(1, 1, 2, 2)

    # 1. timesteps and begin index for a strength
    timestep_cases = []
    for variant in VARIANTS:
        for spacing in ("leading", "linspace", "trailing"):
            for n in (1, 10, 25, 50):
                for strength in (0.0, 0.05, 0.3, 0.5, 0.75, 1.0):
                    if strength == 0.0 and n != 10:
                        continue
                    scheduler = make_scheduler(variant, spacing)
                    scheduler.set_timesteps(n)
                    full = timestep_list(scheduler.timesteps)
                    sliced, steps_returned = get_timesteps(FakePipeline(scheduler), n, strength, "cpu")
                    init = min(int(n * strength), n)
                    timestep_cases.append({
                        "variant": variant, "timestep_spacing": spacing, "num_inference_steps": n,
                        "strength": strength, "order": scheduler.order, "init_timestep": init,
                        "t_start": max(n - init, 0),
                        "begin_index": getattr(scheduler, "begin_index", None),
                        "num_inference_steps_returned": int(steps_returned),
                        "num_timesteps": len(full),
                        "timesteps": timestep_list(sliced),
                    })

    # 2. add_noise at a step index, before any step (img2img's call)
    add_noise_cases = []
    for variant in VARIANTS:
        for spacing, counts in (("leading", (10, 25)), ("trailing", (10,)), ("linspace", (10,))):
            for n in counts:
                probe = make_scheduler(variant, spacing)
                probe.set_timesteps(n)
                last = len(probe.timesteps) - 1
                for index in sorted({0, 1, n // 2, last}):
                    scheduler = make_scheduler(variant, spacing)
                    scheduler.set_timesteps(n)
                    if hasattr(scheduler, "set_begin_index"):
                        scheduler.set_begin_index(index)
                    t = scheduler.timesteps[index:index + 1]
                    noisy = scheduler.add_noise(image_latents, noise, t)
                    add_noise_cases.append({
                        "variant": variant, "timestep_spacing": spacing, "num_inference_steps": n,
                        "step_index": index, "timestep": timestep_list(t)[0], "noisy": f32list(noisy),
                    })

    # 3. img2img trajectories: prepare_latents' add_noise, then the denoising loop from the begin index
    img2img_cases = []
    for variant in VARIANTS:
        runs = ((10, 0.3), (10, 0.75), (25, 0.5))
        if variant in ("PNDM", "EulerAncestralDiscrete"):
            runs += ((10, 1.0),)
        for n, strength in runs:
            scheduler = make_scheduler(variant, "leading")
            scheduler.set_timesteps(n)
            timesteps, _ = get_timesteps(FakePipeline(scheduler), n, strength, "cpu")
            latent_timestep = timesteps[:1].repeat(1)
            latents = scheduler.add_noise(image_latents, noise, latent_timestep)
            generator = torch.Generator().manual_seed(NOISE_SEED)
            steps = []
            start = latents
            for i, t in enumerate(timesteps):
                x_in = scheduler.scale_model_input(latents, t)
                eps = model_output(x_in, t)
                latents, drawn = recorded_step(scheduler, variant, eps, t, latents, generator)
                record = {"t": timestep_list(timesteps[i:i + 1])[0], "prev_sample": f32list(latents)}
                if drawn is not None:
                    record["noise"] = f32list(drawn)
                steps.append(record)
            img2img_cases.append({
                "name": f"{variant}/leading/{n}/strength{strength}", "variant": variant,
                "scheduler": VARIANTS[variant][0], "config": plain_config(scheduler.config),
                "step_kwargs": VARIANTS[variant][2],
                "noise_generator_seed": NOISE_SEED if VARIANTS[variant][3] else None,
                "num_inference_steps": n, "strength": strength,
                "begin_index": getattr(scheduler, "begin_index", None),
                "start_timestep": timestep_list(latent_timestep)[0],
                "initial_latents": f32list(start), "steps": steps,
            })

    # 4. inpainting with a 4-channel UNet: after each step the known region is re-noised to the next timestep
    #    and blended back (StableDiffusionInpaintPipeline, num_channels_unet == 4)
    inpaint_cases = []
    for variant in VARIANTS:
        strengths = (0.75, 1.0) if variant in ("PNDM", "EulerAncestralDiscrete", "DPMSolverMultistep_2M_Karras",
                                               "LMSDiscrete") else (0.75,)
        for strength in strengths:
            n = 10
            scheduler = make_scheduler(variant, "leading")
            scheduler.set_timesteps(n)
            timesteps, _ = get_timesteps(FakePipeline(scheduler), n, strength, "cpu")
            latent_timestep = timesteps[:1].repeat(1)
            is_strength_max = strength == 1.0
            latents = noise if is_strength_max else scheduler.add_noise(image_latents, noise, latent_timestep)
            latents = latents * scheduler.init_noise_sigma if is_strength_max else latents
            generator = torch.Generator().manual_seed(NOISE_SEED)
            start = latents
            steps = []
            for i, t in enumerate(timesteps):
                x_in = scheduler.scale_model_input(latents, t)
                eps = model_output(x_in, t)
                latents, drawn = recorded_step(scheduler, variant, eps, t, latents, generator)
                stepped = latents
                init_latents_proper = image_latents
                if i < len(timesteps) - 1:
                    noise_timestep = timesteps[i + 1]
                    init_latents_proper = scheduler.add_noise(init_latents_proper, noise,
                                                              torch.tensor([noise_timestep]))
                latents = (1 - mask) * init_latents_proper + mask * latents
                record = {"t": timestep_list(timesteps[i:i + 1])[0], "prev_sample": f32list(stepped),
                          "blended": f32list(latents)}
                if drawn is not None:
                    record["noise"] = f32list(drawn)
                steps.append(record)
            inpaint_cases.append({
                "name": f"{variant}/leading/{n}/strength{strength}/inpaint4", "variant": variant,
                "scheduler": VARIANTS[variant][0], "config": plain_config(scheduler.config),
                "step_kwargs": VARIANTS[variant][2],
                "noise_generator_seed": NOISE_SEED if VARIANTS[variant][3] else None,
                "num_inference_steps": n, "strength": strength,
                "begin_index": getattr(scheduler, "begin_index", None),
                "init_noise_sigma": float(np.float32(scheduler.init_noise_sigma)),
                "initial_latents": f32list(start), "steps": steps,
            })

    return {
        "base_config": BASE_CONFIG,
        "tensor_layout": "flattened row-major (NCHW) float32 values of shape [1,4,2,2]",
        "model_output_formula": "eps = 0.1 * x_scaled + 0.05 * sin(t / 100)",
        "image_latents": f32list(image_latents),
        "image_latents_formula": "0.8 * torch.randn([1,4,2,2], generator=torch.Generator().manual_seed(7))",
        "noise": f32list(noise),
        "noise_formula": "torch.randn([1,4,2,2], generator=torch.Generator().manual_seed(8))",
        "mask_latent": f32list(mask),
        "mask_latent_shape": [1, 1, 2, 2],
        "timestep_cases": timestep_cases,
        "add_noise_cases": add_noise_cases,
        "img2img_cases": img2img_cases,
        "inpaint4_cases": inpaint_cases,
    }


# ----------------------------------------------------------------------------------------------
# Latent sampling (DiagonalGaussianDistribution) and the order of generator draws
# ----------------------------------------------------------------------------------------------
class EncoderOutput:
    """What vae.encode returns, as far as retrieve_latents reads it."""

    def __init__(self, latent_dist):
        self.latent_dist = latent_dist


def latent_parameters(seed, batch=1, h=4, w=4):
    g = torch.Generator().manual_seed(seed)
    mean = torch.randn((batch, 4, h, w), generator=g) * 3.0
    logvar = torch.randn((batch, 4, h, w), generator=g) * 4.0 - 6.0
    logvar[0, 0, 0, 0] = -45.0  # below the clamp's -30
    logvar[0, 1, 0, 1] = 27.0  # above the clamp's 20
    logvar[0, 2, 1, 1] = -30.0
    logvar[0, 3, 2, 2] = 20.0
    return torch.cat([mean, logvar], dim=1)


def latents_golden(distribution_class, randn_tensor, retrieve_latents, make_scheduler_fn):
    scaling_factor = 0.18215
    cases = []

    # one image, one generator: img2img's prepare_latents
    for seed in (0, 1234, 4294967295):
        params = latent_parameters(seed=11)
        generator = torch.Generator().manual_seed(seed)
        dist = distribution_class(params)
        sample = retrieve_latents(EncoderOutput(dist), generator=generator)
        latents = scaling_factor * sample
        noise = randn_tensor(latents.shape, generator=generator, device=torch.device("cpu"), dtype=latents.dtype)
        cases.append({"name": f"img2img/seed{seed}", "seeds": [seed], "parameters": f32list(params),
                      "parameters_shape": list(params.shape), "std": f32list(dist.std),
                      "sample": f32list(sample), "latents": f32list(latents), "noise": f32list(noise)})

    # two images with a generator each (diffusers' list of generators: the worker's per-image seeds)
    params = torch.cat([latent_parameters(seed=12), latent_parameters(seed=13)], dim=0)
    seeds = [5, 6]
    generators = [torch.Generator().manual_seed(s) for s in seeds]
    samples = [retrieve_latents(EncoderOutput(distribution_class(params[i:i + 1])), generator=generators[i])
               for i in range(2)]
    sample = torch.cat(samples, dim=0)
    latents = scaling_factor * sample
    noise = randn_tensor(latents.shape, generator=generators, device=torch.device("cpu"), dtype=latents.dtype)
    cases.append({"name": "img2img/batch2", "seeds": seeds, "parameters": f32list(params),
                  "parameters_shape": list(params.shape), "std": None, "sample": f32list(sample),
                  "latents": f32list(latents), "noise": f32list(noise)})

    # inpainting draws: [image latents if strength < 1 or a 4-channel UNet], noise, masked-image latents
    inpaint = []
    image_params = latent_parameters(seed=21)
    masked_params = latent_parameters(seed=22)
    for kind, strength in (("unet9", 1.0), ("unet9", 0.75), ("unet4", 1.0), ("unet4", 0.75)):
        generator = torch.Generator().manual_seed(77)
        draws = []
        if kind == "unet4" or strength < 1.0:
            image_latents = scaling_factor * retrieve_latents(EncoderOutput(distribution_class(image_params)),
                                                              generator=generator)
            draws.append({"what": "image_latents", "values": f32list(image_latents)})
        noise = randn_tensor((1, 4, 4, 4), generator=generator, device=torch.device("cpu"), dtype=torch.float32)
        draws.append({"what": "noise", "values": f32list(noise)})
        masked = scaling_factor * retrieve_latents(EncoderOutput(distribution_class(masked_params)),
                                                   generator=generator)
        draws.append({"what": "masked_image_latents", "values": f32list(masked)})
        after = torch.randn((1, 4, 4, 4), generator=generator)
        draws.append({"what": "next_draw (e.g. Euler ancestral's first step noise)", "values": f32list(after)})
        inpaint.append({"name": f"inpaint/{kind}/strength{strength}", "unet": kind, "strength": strength,
                        "seed": 77, "image_parameters": f32list(image_params),
                        "masked_image_parameters": f32list(masked_params), "parameters_shape": [1, 8, 4, 4],
                        "draws": draws})

    # the 9-channel UNet input: cat([scaled latents (CFG: twice), mask, masked-image latents], dim=1)
    g = torch.Generator().manual_seed(99)
    x_in = torch.randn((2, 4, 2, 3), generator=g)  # one image under guidance: [uncond, cond]
    mask = (torch.rand((1, 1, 2, 3), generator=g) > 0.5).float()
    masked_latents = torch.randn((1, 4, 2, 3), generator=g)
    mask2 = torch.cat([mask] * 2)
    masked2 = torch.cat([masked_latents] * 2)
    unet_in = torch.cat([x_in, mask2, masked2], dim=1)
    concat = {"latent_model_input": f32list(x_in), "latent_model_input_shape": list(x_in.shape),
              "mask": f32list(mask), "mask_shape": list(mask.shape), "masked_image_latents": f32list(masked_latents),
              "masked_image_latents_shape": list(masked_latents.shape), "unet_input": f32list(unet_in),
              "unet_input_shape": list(unet_in.shape),
              "note": "classifier-free guidance doubles the batch: mask and masked-image latents are repeated "
                      "(torch.cat([m] * 2)) to match the [uncond, cond] latent batch before the channel concat"}

    # img2img start with the latents above, through a real scheduler's add_noise
    scheduler = make_scheduler_fn("EulerDiscrete", "leading")
    scheduler.set_timesteps(10)
    scheduler.set_begin_index(2)
    first = cases[0]
    start = scheduler.add_noise(torch.tensor(first["latents"]).reshape(1, 4, 4, 4),
                                torch.tensor(first["noise"]).reshape(1, 4, 4, 4), scheduler.timesteps[2:3])
    return {
        "scaling_factor": scaling_factor,
        "distribution": "DiagonalGaussianDistribution(parameters): mean, logvar = chunk(parameters, 2, dim=1); "
                        "logvar = clamp(logvar, -30, 20); std = exp(0.5 * logvar); sample = mean + std * "
                        "randn_tensor(mean.shape, generator)",
        "sampling_cases": cases,
        "inpaint_draw_order": inpaint,
        "unet9_concat": concat,
        "euler_start": {"from_case": first["name"], "num_inference_steps": 10, "begin_index": 2,
                        "noisy": f32list(start)},
    }


# ----------------------------------------------------------------------------------------------
# Provenance
# ----------------------------------------------------------------------------------------------
def provenance(diffusers_src):
    commit = None
    try:
        commit = subprocess.run(["git", "-C", str(diffusers_src), "rev-parse", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    import diffusers
    return {
        "upstream": "huggingface/diffusers", "diffusers_version": diffusers.__version__,
        "diffusers_tag": DIFFUSERS_TAG, "diffusers_commit": commit or "b71269675ec1b85193107a691dd35c308e46f0a5",
        "runtime": f"CPU, Python {platform.python_version()}, torch {torch.__version__}, numpy {np.__version__}, "
                   f"PIL {PIL.__version__}",
        "generator": "tools/golden/make_img2img_golden.py",
        "note": "diffusers' scheduler modules, image_processor and torch_utils imported from source; "
                "huggingface_hub, safetensors and tqdm replaced by inert stand-ins; DiagonalGaussianDistribution "
                "and get_timesteps executed from their source text",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--diffusers", type=Path, default=Path("/tmp/diffusers"),
                        help="a checkout (or archive) of diffusers " + DIFFUSERS_TAG)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    src = args.diffusers / "src"
    VaeImageProcessor, randn_tensor = import_diffusers(src)
    import diffusers
    if diffusers.__version__ != DIFFUSERS_TAG.lstrip("v"):
        sys.exit(f"expected diffusers {DIFFUSERS_TAG}, found {diffusers.__version__} at {src}")

    from typing import Optional, Tuple
    vae_py = src / "diffusers" / "models" / "autoencoders" / "vae.py"
    distribution_class = definition_from_source(vae_py, "DiagonalGaussianDistribution", {
        "torch": torch, "np": np, "Optional": Optional, "Tuple": Tuple, "randn_tensor": randn_tensor})
    img2img_py = src / "diffusers" / "pipelines" / "stable_diffusion" / "pipeline_stable_diffusion_img2img.py"
    get_timesteps = method_from_source(img2img_py, "StableDiffusionImg2ImgPipeline", "get_timesteps", {})
    retrieve_latents = definition_from_source(img2img_py, "retrieve_latents", {
        "torch": torch, "Optional": Optional})

    prov = provenance(args.diffusers)
    torch.set_num_threads(1)
    # PIL warns that a palette PNG with tRNS "should be converted to RGBA"; load_image's convert("RGB") is the point
    warnings.filterwarnings("ignore", message="Palette images with Transparency", category=UserWarning)
    write_json(args.out / "schedulers_img2img.json", dict(provenance=prov, **scheduler_golden(get_timesteps)))
    write_json(args.out / "latents.json", dict(provenance=prov, **latents_golden(
        distribution_class, randn_tensor, retrieve_latents, make_scheduler)))
    write_json(args.out / "images.json", dict(provenance=prov, **images_golden(VaeImageProcessor)))


# ----------------------------------------------------------------------------------------------
# Images: decoding as diffusers.utils.load_image (PIL open, exif_transpose, convert RGB), PIL LANCZOS resize,
# VaeImageProcessor preprocessing of init images and masks, the inpaint pipeline's mask arithmetic
# ----------------------------------------------------------------------------------------------
def synthetic(w, h, seed, channels=3):
    """A smooth pattern with noise and hard edges: every resample tap matters, clipping happens."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    planes = [128 + 110 * np.sin(x / (2.0 + c) + y / (3.0 + 2 * c)) for c in range(channels)]
    base = np.stack(planes, -1)
    base[(x.astype(int) // 5 + y.astype(int) // 4) % 3 == 0] = 250  # hard edges
    base[(x.astype(int) + 2 * y.astype(int)) % 11 == 0] = 3
    return np.clip(base + rng.normal(0, 18, base.shape), 0, 255).astype(np.uint8)


def png_bytes(width, height, bit_depth, color_type, rows, palette=None, trns=None, exif=None, interlace=False):
    """A PNG written by hand (PIL cannot write 16-bit colour, 2-bit grey or interlaced files).

    rows: for the non-interlaced layout, a list of already-packed scanline bytes (no filter byte); for
    interlace=True a function (x, y) -> packed pixel bytes of one pixel (bit depth >= 8 only).
    """
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type,
                                                                 0, 0, 1 if interlace else 0))
    if palette is not None:
        out += chunk(b"PLTE", bytes(palette))
    if trns is not None:
        out += chunk(b"tRNS", bytes(trns))
    if exif is not None:
        out += chunk(b"eXIf", exif)
    raw = b""
    if not interlace:
        for i, row in enumerate(rows):
            raw += bytes([i % 2]) + row if i % 2 == 0 else b"\x00" + row  # filter 0 on every row
    else:
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        for x0, y0, dx, dy in passes:
            for y in range(y0, height, dy):
                line = b"".join(rows(x, y) for x in range(x0, width, dx))
                if line:
                    raw += b"\x00" + line
    out += chunk(b"IDAT", zlib.compress(raw, 9))
    return out + chunk(b"IEND", b"")


def pack_bits(values, bits):
    out, acc, n = bytearray(), 0, 0
    for v in values:
        acc = (acc << bits) | int(v)
        n += bits
        if n == 8:
            out.append(acc)
            acc, n = 0, 0
    if n:
        out.append(acc << (8 - n))
    return bytes(out)


def exif_orientation(value, tiff_only=False):
    """EXIF with an Orientation tag: as a JPEG APP1 payload ("Exif\\0\\0" + TIFF) or, tiff_only, a PNG eXIf."""
    exif = Image.Exif()
    exif[0x0112] = value
    data = exif.tobytes()
    return data[6:] if tiff_only and data.startswith(b"Exif\x00\x00") else data


def load_image(data):
    """diffusers.utils.load_image for a file: PIL open, ImageOps.exif_transpose, convert("RGB")."""
    from PIL import ImageOps
    image = Image.open(io.BytesIO(data))
    image = ImageOps.exif_transpose(image)
    return image.convert("RGB")


def decode_cases():
    import struct
    cases = []

    def add(name, data, note):
        image = load_image(data)
        rgb = np.asarray(image, dtype=np.uint8)
        cases.append({"name": name, "note": note, "file": b64(data), "width": image.width, "height": image.height,
                      "rgb": b64(rgb.tobytes()), "rgb_sha256": hashlib.sha256(rgb.tobytes()).hexdigest()})

    w, h = 13, 7
    rgb = synthetic(w, h, 1)
    grey = synthetic(w, h, 2, channels=1)[..., 0]
    alpha = synthetic(w, h, 3, channels=1)[..., 0]

    def to_png(mode, array, **kw):
        buffer = io.BytesIO()
        Image.fromarray(array, mode).save(buffer, "PNG", **kw)
        return buffer.getvalue()

    add("png/rgb8", to_png("RGB", rgb), "8-bit truecolour")
    add("png/rgba8", to_png("RGBA", np.dstack([rgb, alpha])), "alpha dropped, not composited")
    add("png/l8", to_png("L", grey), "8-bit grey, replicated to R=G=B")
    add("png/la8", to_png("LA", np.dstack([grey, alpha])), "grey + alpha")
    palette = synthetic(16, 1, 4)[0].reshape(-1)
    indices = (synthetic(w, h, 5, channels=1)[..., 0] // 16).astype(np.uint8)
    add("png/p4", png_bytes(w, h, 4, 3, [pack_bits(r, 4) for r in indices], palette=palette),
        "4-bit palette")
    add("png/p8_trns", png_bytes(w, h, 8, 3, [bytes(r) for r in indices], palette=palette,
                                 trns=bytes(range(0, 256, 16))), "8-bit palette with transparency, dropped")
    for bits in (1, 2, 4):
        values = (grey >> (8 - bits)).astype(np.uint8)
        add(f"png/l{bits}", png_bytes(w, h, bits, 0, [pack_bits(r, bits) for r in values]),
            f"{bits}-bit grey, scaled to 0..255")
    rgb16 = (rgb.astype(np.uint16) << 8) | synthetic(w, h, 6).astype(np.uint16)
    add("png/rgb16", png_bytes(w, h, 16, 2, [r.astype(">u2").tobytes() for r in rgb16]),
        "16-bit truecolour: PIL keeps the high byte")
    rgba16 = np.dstack([rgb16, (alpha.astype(np.uint16) << 8) | 0x80])
    add("png/rgba16", png_bytes(w, h, 16, 6, [r.astype(">u2").tobytes() for r in rgba16]), "16-bit RGBA")
    la16 = np.dstack([(grey.astype(np.uint16) << 8) | 0x7F, (alpha.astype(np.uint16) << 8)])
    add("png/la16", png_bytes(w, h, 16, 4, [r.astype(">u2").tobytes() for r in la16]), "16-bit grey + alpha")
    add("png/rgb8_adam7", png_bytes(w, h, 8, 2, lambda x, y: bytes(rgb[y, x]), interlace=True),
        "interlaced (Adam7)")
    add("png/rgb8_exif6", png_bytes(w, h, 8, 2, [bytes(r.reshape(-1)) for r in rgb], exif=exif_orientation(6, tiff_only=True)),
        "eXIf orientation 6: rotated as ImageOps.exif_transpose does")

    big = synthetic(37, 23, 7)

    def to_jpeg(array, mode="RGB", **kw):
        buffer = io.BytesIO()
        Image.fromarray(array, mode).save(buffer, "JPEG", quality=87, **kw)
        return buffer.getvalue()

    add("jpeg/420", to_jpeg(big, subsampling=2), "4:2:0 chroma (fancy upsampling)")
    add("jpeg/422", to_jpeg(big, subsampling=1), "4:2:2 chroma")
    add("jpeg/444", to_jpeg(big, subsampling=0), "no chroma subsampling")
    add("jpeg/progressive", to_jpeg(big, progressive=True), "progressive")
    add("jpeg/grey", to_jpeg(synthetic(37, 23, 8, channels=1)[..., 0], "L"), "greyscale JPEG")
    srgb = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    # a fixed creation time for reproducible output (a zero date makes Java's ImageIO ignore the profile, which
    # would hide the colour conversion the worker must avoid); littlecms leaves the profile ID at zero
    srgb[24:36] = struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
    srgb = bytes(srgb)
    y, x = np.mgrid[0:32, 0:64]
    ramps = np.stack([x * 4, y * 8, (x * 3 + y * 5) % 256], -1).astype(np.uint8)  # every level of R, most of G
    add("jpeg/icc", to_jpeg(ramps, icc_profile=srgb, subsampling=0),
        "embedded ICC profile: PIL does not colour-manage (Java's ImageIO would, moving some values by 1)")
    small = synthetic(w, h, 9)
    for orientation in range(1, 9):
        add(f"jpeg/exif{orientation}", to_jpeg(small, exif=exif_orientation(orientation), subsampling=0),
            f"EXIF orientation {orientation}")
    return cases


def refused_cases():
    """Inputs the worker refuses, with what PIL does with them (for the record)."""
    import struct
    import zlib

    def pil_outcome(data):
        try:
            image = load_image(data)
            image.load()
            return f"opens as {image.mode} {image.size}"
        except Exception as e:  # noqa: BLE001 (recording what happens)
            return type(e).__name__ + ": " + re.sub(r" at 0x[0-9a-f]+", "", str(e))[:100]

    cases = []

    def add(name, data, reason, note):
        cases.append({"name": name, "file": b64(data), "reason": reason, "note": note,
                      "pil": pil_outcome(data)})

    add("text-named-png", b"this is not an image, just text in a file called photo.png\n", "NOT_AN_IMAGE",
        "a text file")
    add("empty", b"", "NOT_AN_IMAGE", "no bytes")
    buffer = io.BytesIO()
    Image.fromarray(synthetic(8, 8, 1)).save(buffer, "GIF")
    add("gif", buffer.getvalue(), "UNSUPPORTED_FORMAT", "GIF: only PNG and JPEG are accepted")
    buffer = io.BytesIO()
    Image.fromarray(synthetic(8, 8, 1)).save(buffer, "WEBP")
    add("webp", buffer.getvalue(), "UNSUPPORTED_FORMAT", "WebP")
    # a decompression bomb's header: 100000 x 100000 declared, a few bytes of data
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + \
        chunk(b"IEND", b"")
    add("png-bomb-header", bomb, "TOO_LARGE", "100000 x 100000 declared in IHDR")
    jpeg = io.BytesIO()
    Image.fromarray(synthetic(16, 16, 1)).save(jpeg, "JPEG")
    data = bytearray(jpeg.getvalue())
    sof = data.find(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", 65000, 65000)
    add("jpeg-huge-header", bytes(data), "TOO_LARGE", "65000 x 65000 declared in SOF0")
    png = io.BytesIO()
    Image.fromarray(synthetic(40, 40, 2)).save(png, "PNG")
    whole = png.getvalue()
    idat = whole.find(b"IDAT")
    add("png-truncated", whole[:idat + 200], "CORRUPT", "cut inside the image data")
    jpeg = io.BytesIO()
    Image.fromarray(synthetic(40, 40, 3)).save(jpeg, "JPEG", quality=95)
    whole = jpeg.getvalue()
    add("jpeg-truncated", whole[:len(whole) * 2 // 3], "CORRUPT", "cut inside the entropy-coded scan")
    cmyk = io.BytesIO()
    Image.fromarray(synthetic(8, 8, 4)).convert("CMYK").save(cmyk, "JPEG")
    add("jpeg-cmyk", cmyk.getvalue(), "UNSUPPORTED_FORMAT", "CMYK JPEG (4 components)")
    grey16 = (synthetic(6, 5, 5, channels=1)[..., 0].astype(np.uint16) << 8)
    add("png-grey16", png_bytes(6, 5, 16, 0, [r.astype(">u2").tobytes() for r in grey16]), "UNSUPPORTED_FORMAT",
        "16-bit greyscale: PIL 9.4 opens it as mode I and convert('RGB') clips every value above 255 to white")
    return cases


RESIZE_SIZES = [
    ((37, 23), (64, 40)),  # upscale, non-square
    ((37, 23), (16, 24)),  # down in x, up in y
    ((64, 48), (24, 16)),  # downscale (support widened by the factor)
    ((200, 30), (40, 16)),  # 5x down in x
    ((9, 9), (72, 72)),  # 8x up
    ((1, 1), (8, 8)),  # a single pixel
    ((33, 65), (33, 16)),  # only vertical
    ((31, 17), (8, 17)),  # only horizontal
    ((64, 48), (128, 96)),  # an SD-like 2x
    ((150, 105), (32, 32)),  # strong, uneven downscale
]


def resize_cases():
    cases = []
    for i, ((w, h), (ow, oh)) in enumerate(RESIZE_SIZES):
        for mode in ("RGB", "L"):
            pixels = synthetic(w, h, 100 + i, channels=3 if mode == "RGB" else 1)
            if mode == "L":
                pixels = pixels[..., 0]
            image = Image.fromarray(pixels, mode)
            out = np.asarray(image.resize((ow, oh), resample=Image.LANCZOS), dtype=np.uint8)
            cases.append({"mode": mode, "width": w, "height": h, "pixels": b64(pixels.tobytes()),
                          "out_width": ow, "out_height": oh, "resized": b64(out.tobytes())})
    return cases


def preprocess_cases(VaeImageProcessor):
    image_processor = VaeImageProcessor(vae_scale_factor=8)
    mask_processor = VaeImageProcessor(vae_scale_factor=8, do_normalize=False, do_binarize=True,
                                       do_convert_grayscale=True)
    cases = []
    for i, ((w, h), (job_w, job_h)) in enumerate((((37, 23), (24, 16)), ((16, 16), (16, 16)),
                                                  ((40, 24), (36, 20)), ((24, 32), (16, 40)))):
        init = Image.fromarray(synthetic(w, h, 200 + i))
        # a coloured mask: convert("L") weights R, G, B differently; edges land near 0.5 after LANCZOS
        m = synthetic(w, h, 300 + i)
        m[:, : w // 3] = (0, 0, 0)
        m[:, 2 * w // 3:] = (255, 255, 255)
        mask = Image.fromarray(m)
        init_t = image_processor.preprocess(init, height=job_h, width=job_w)
        mask_t = mask_processor.preprocess(mask, height=job_h, width=job_w)
        masked = init_t * (mask_t < 0.5)
        latent_mask = torch.nn.functional.interpolate(mask_t, size=(mask_t.shape[2] // 8, mask_t.shape[3] // 8))
        cases.append({
            "width": w, "height": h, "init_rgb": b64(np.asarray(init).tobytes()),
            "mask_rgb": b64(np.asarray(mask).tobytes()), "job_width": job_w, "job_height": job_h,
            "init_shape": list(init_t.shape), "init": f32list(init_t),
            "mask_shape": list(mask_t.shape), "mask": [int(v) for v in mask_t.reshape(-1)],
            "masked_image": f32list(masked), "latent_mask_shape": list(latent_mask.shape),
            "latent_mask": [int(v) for v in latent_mask.reshape(-1)],
        })
    return cases


def images_golden(VaeImageProcessor):
    return {
        "pixel_layout": "8-bit pixels as base64 of the raw bytes, row-major, top row first; RGB interleaved",
        "decode_cases": decode_cases(),
        "refused_cases": refused_cases(),
        "resize_cases": resize_cases(),
        "preprocess_cases": preprocess_cases(VaeImageProcessor),
    }


if __name__ == "__main__":
    main()
