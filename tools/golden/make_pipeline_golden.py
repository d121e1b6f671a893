#!/usr/bin/python3
"""End-to-end golden vectors for img2img and inpainting: diffusers 0.35.2's own pipelines on the tiny models.

Why: the worker's Java pipeline claims to compute what diffusers' StableDiffusionImg2ImgPipeline and
StableDiffusionInpaintPipeline compute. The unit goldens (golden/img2img/) check its pieces one by one; this file
checks the whole: a picture (and a mask) in, final latents and 8-bit pixels out, through the committed tiny
models, for every scheduler, several strengths, guidance on and off, a resized picture, both inpainting UNets and
jobs of two images. The Java side is worker/src/test/java/io/sdfleet/worker/pipeline/PipelineGoldenTest.java.

Writes worker/src/test/resources/golden/pipeline/pipeline_cases.json (described in the README beside it).

Run (Debian's python; diffusers is not installed, its source is used as checked out):

    apt-get install -y python3-torch python3-onnx python3-numpy python3-pil python3-scipy python3-packaging
    git --git-dir=<diffusers.git> archive v0.35.2 | tar -x -C /tmp/diffusers
    /usr/bin/python3 tools/golden/make_pipeline_golden.py --diffusers /tmp/diffusers

What runs:
- The pipelines are diffusers' real classes, StableDiffusionImg2ImgPipeline and StableDiffusionInpaintPipeline,
  called through __call__ (every step of theirs: check_inputs, encode_prompt with given embeddings, the image and
  mask processors, get_timesteps, prepare_latents, prepare_mask_latents, the loop, vae.decode, postprocess), with
  the real scheduler classes, VaeImageProcessor, randn_tensor and DiagonalGaussianDistribution.
- The models are the tiny models' torch modules, rebuilt by importing tools/make_tiny_model.py and running its
  construction (numpy PCG64 weights, the same calibration); prove_weights() re-exports them to ONNX and checks
  that the files equal the committed ones byte for byte. They are wrapped as diffusers models (ModelMixin +
  ConfigMixin): a UNet with UNet2DConditionModel's call signature, an AutoencoderKL-like VAE whose encode()
  returns latent_dist = DiagonalGaussianDistribution(latent parameters) and whose decode() runs the tiny decoder.
- Text: transformers is not installed, so there is no CLIPTokenizer or CLIPTextModel. The prompts are taken from
  ../shared/golden/clip/tokenizer_cases.json, whose ids were made by openai/CLIP's tokenizer; the ids go through
  the tiny text encoder (last_hidden_state, as encode_prompt takes it), and the pipelines get prompt_embeds and
  negative_prompt_embeds. The empty negative prompt is [49406] + [49407] * 76 (what SD 1.x's tokenizer makes of "").
- Stand-ins: huggingface_hub, safetensors and transformers are inert modules (never called on these paths), tqdm
  is a no-op progress bar. torch 1.13 lacks a few names that diffusers' modules mention at import time
  (torch.float8_* and other new dtypes, torch.compiler): they are set to inert placeholders that nothing here calls.
"""

import argparse
import base64
import hashlib
import importlib.abc
import importlib.machinery
import io
import json
import platform
import subprocess
import sys
import tempfile
import types
import warnings
from pathlib import Path

import numpy as np
import PIL
import torch
from PIL import Image

REPO = Path(__file__).resolve().parent.parent.parent
OUT = REPO / "worker" / "src" / "test" / "resources" / "golden" / "pipeline"
CLIP_CASES = REPO.parent / "shared" / "golden" / "clip" / "tokenizer_cases.json"
DIFFUSERS_TAG = "v0.35.2"
DIFFUSERS_COMMIT = "b71269675ec1b85193107a691dd35c308e46f0a5"


# ----------------------------------------------------------------------------------------------
# Importing diffusers' source on Debian's torch 1.13, without its hub dependencies
# ----------------------------------------------------------------------------------------------
INERT_PACKAGES = ("huggingface_hub", "safetensors", "transformers")


class Inert:
    """A stand-in value: callable, subclassable, every attribute another stand-in."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return Inert()

    def __getattr__(self, name):
        return Inert()


class InertPackages(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves modules of INERT_PACKAGES whose attributes are Inert subclasses (constants: paths to nowhere)."""

    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in INERT_PACKAGES:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__version__ = "0.0.0-stand-in"

        def attribute(name):
            if name.startswith("__"):
                raise AttributeError(name)
            if name.isupper():
                return "/nonexistent/stand-in-" + name.lower()
            return type(name, (Inert,), {})

        module.__getattr__ = attribute
        return module

    def exec_module(self, module):
        pass


class NoProgressBar:
    """tqdm's role in the pipelines: a context manager with update(); draws nothing."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, *args, **kwargs):
        pass

    def __iter__(self):
        return iter(())


class AbsentTorchName:
    """Placeholder for a torch 2.x attribute that diffusers names at import time (a dtype in a table, a default
    argument) on paths never taken here."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<absent in torch {torch.__version__}: {self.name}>"


def install_stand_ins():
    sys.meta_path.insert(0, InertPackages())
    tqdm = types.ModuleType("tqdm")
    tqdm.tqdm = NoProgressBar
    tqdm_auto = types.ModuleType("tqdm.auto")
    tqdm_auto.tqdm = NoProgressBar
    tqdm.auto = tqdm_auto
    sys.modules["tqdm"] = tqdm
    sys.modules["tqdm.auto"] = tqdm_auto
    new_dtypes = ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "uint16", "uint32", "uint64"]
    new_dtypes += [f"uint{i}" for i in range(1, 8)] + [f"int{i}" for i in range(1, 8)]
    for name in new_dtypes:
        if not hasattr(torch, name):
            setattr(torch, name, AbsentTorchName(name))
    if not hasattr(torch, "compiler"):
        compiler = types.ModuleType("torch.compiler")
        compiler.disable = lambda fn=None, recursive=True: fn if fn is not None else (lambda f: f)
        compiler.is_compiling = lambda: False
        torch.compiler = compiler
        sys.modules["torch.compiler"] = compiler


def import_diffusers(src):
    install_stand_ins()
    no_check = types.ModuleType("diffusers.dependency_versions_check")
    no_check.dep_version_check = lambda *args, **kwargs: None
    sys.modules[no_check.__name__] = no_check
    sys.path.insert(0, str(src))
    import diffusers.utils.import_utils as import_utils
    # the pipeline modules import CLIP classes from transformers and the loader mixins only exist "if transformers
    # is available": declare the stand-in available (no transformers code runs: prompts come as embeddings)
    import_utils._transformers_available = True
    import_utils._transformers_version = "4.46.0"
    import diffusers
    if diffusers.__version__ != DIFFUSERS_TAG.lstrip("v"):
        sys.exit(f"expected diffusers {DIFFUSERS_TAG}, found {diffusers.__version__} at {src}")
    return diffusers


# ----------------------------------------------------------------------------------------------
# The tiny models: rebuilt from tools/make_tiny_model.py, proven equal to the committed ONNX files
# ----------------------------------------------------------------------------------------------
def tiny_model_module():
    sys.path.insert(0, str(REPO / "tools"))
    import make_tiny_model
    return make_tiny_model


def build_tiny_models(tm):
    """make_tiny_model.main()'s construction, without writing the folders (same seeds, same calibration)."""
    torch.manual_seed(tm.SEED)
    text = tm.numpy_init(tm.TinyClipTextModel(), tm.SEED).eval()
    unet = tm.numpy_init(tm.TinyUNet(), tm.SEED + 1).eval()
    vae = tm.numpy_init(tm.TinyVaeDecoder(), tm.SEED + 2).eval()
    tm.calibrate_unet(unet, text)
    tm.calibrate_vae(vae)
    encoder = tm.numpy_init(tm.TinyVaeEncoder(), tm.SEED + 3).eval()
    tm.calibrate_vae_encoder(encoder)
    unet9 = tm.numpy_init(tm.TinyUNet(in_channels=2 * tm.LATENT_CHANNELS + 1), tm.SEED + 4).eval()
    tm.calibrate_unet(unet9, text)
    return {"text": text, "unet": unet, "vae_decoder": vae, "vae_encoder": encoder, "unet9": unet9}


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def prove_weights(tm, models):
    """Re-exports every rebuilt module as make_tiny_model.py does and compares with the committed files: equal
    bytes mean equal graphs and equal initializers, so the torch modules here are the ONNX models Java runs.
    Also compares every initializer by value (the byte check alone would hide nothing, this one says what)."""
    import onnx
    from onnx import numpy_helper

    checks = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        exports = [
            ("tiny-sd/text_encoder/model.onnx", lambda p: tm.export_text_encoder(models["text"], p)),
            ("tiny-sd/unet/model.onnx", lambda p: tm.export_unet(models["unet"], p)),
            ("tiny-sd/vae_decoder/model.onnx", lambda p: tm.export_vae(models["vae_decoder"], p)),
            ("tiny-sd/vae_encoder/model.onnx", lambda p: tm.export_vae_encoder(models["vae_encoder"], p)),
            ("tiny-sd-inpaint/unet/model.onnx", lambda p: tm.export_unet(models["unet9"], p)),
            ("tiny-sd-inpaint/text_encoder/model.onnx", lambda p: tm.export_text_encoder(models["text"], p)),
            ("tiny-sd-inpaint/vae_decoder/model.onnx", lambda p: tm.export_vae(models["vae_decoder"], p)),
            ("tiny-sd-inpaint/vae_encoder/model.onnx", lambda p: tm.export_vae_encoder(models["vae_encoder"], p)),
        ]
        for relative, export in exports:
            committed = REPO / "models" / relative
            rebuilt = tmp / relative
            export(rebuilt)
            a = {i.name: numpy_helper.to_array(i) for i in onnx.load(committed.as_posix()).graph.initializer}
            b = {i.name: numpy_helper.to_array(i) for i in onnx.load(rebuilt.as_posix()).graph.initializer}
            equal_values = a.keys() == b.keys() and all(
                a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and np.array_equal(a[k], b[k]) for k in a)
            record = {"file": "models/" + relative, "sha256": sha256(committed), "rebuilt_sha256": sha256(rebuilt),
                      "initializers": len(a), "weights": int(sum(v.size for v in a.values())),
                      "initializers_equal": bool(equal_values)}
            record["bytes_equal"] = record["sha256"] == record["rebuilt_sha256"]
            if not (record["bytes_equal"] and equal_values):
                sys.exit(f"rebuilt {relative} differs from the committed file: {record}")
            checks.append(record)
            print(f"  weights equal: {relative} ({record['initializers']} initializers, {record['weights']:,} values)")
    return checks


def make_diffusers_models(models):
    from diffusers.configuration_utils import ConfigMixin, register_to_config
    from diffusers.models.autoencoders.vae import DecoderOutput, DiagonalGaussianDistribution
    from diffusers.models.modeling_outputs import AutoencoderKLOutput
    from diffusers.models.modeling_utils import ModelMixin
    from diffusers.models.unets.unet_2d_condition import UNet2DConditionOutput

    class TinyUNet2DConditionModel(ModelMixin, ConfigMixin):
        """UNet2DConditionModel's call as the pipelines make it, computed by the tiny UNet."""
        config_name = "config.json"

        @register_to_config
        def __init__(self, in_channels=4, out_channels=4, sample_size=64, cross_attention_dim=32,
                     block_out_channels=(32, 64), time_cond_proj_dim=None):
            super().__init__()
            self.tiny = None

        def forward(self, sample, timestep, encoder_hidden_states, timestep_cond=None, cross_attention_kwargs=None,
                    added_cond_kwargs=None, return_dict=True):
            # the pipelines pass the loop's scalar t; the ONNX model takes it as float32 [batch], as the tiny
            # module does internally (reshape(-1).expand(batch), then .float())
            out = self.tiny(sample, torch.as_tensor(timestep), encoder_hidden_states)
            return UNet2DConditionOutput(sample=out) if return_dict else (out,)

    class TinyAutoencoderKL(ModelMixin, ConfigMixin):
        """AutoencoderKL's encode/decode: the tiny encoder ends in quant_conv and outputs the latent parameters
        (means, log-variances), the tiny decoder starts with post_quant_conv, as AutoencoderKL's own."""
        config_name = "config.json"

        @register_to_config
        def __init__(self, in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(16, 16, 32, 32),
                     layers_per_block=1, norm_num_groups=8, act_fn="silu", sample_size=512, scaling_factor=0.18215):
            super().__init__()
            self.tiny_encoder = None
            self.tiny_decoder = None

        def encode(self, x, return_dict=True):
            posterior = DiagonalGaussianDistribution(self.tiny_encoder(x))
            return AutoencoderKLOutput(latent_dist=posterior) if return_dict else (posterior,)

        def decode(self, z, return_dict=True, generator=None):
            decoded = self.tiny_decoder(z)
            return DecoderOutput(sample=decoded) if return_dict else (decoded,)

    def unet_wrapper(folder, module):
        config = json.loads((REPO / "models" / folder / "unet" / "config.json").read_text())
        wrapper = TinyUNet2DConditionModel(**{k: v for k, v in config.items() if not k.startswith("_")})
        wrapper.tiny = module
        return wrapper.eval()

    vae_config = json.loads((REPO / "models" / "tiny-sd" / "vae_decoder" / "config.json").read_text())
    vae = TinyAutoencoderKL(**{k: v for k, v in vae_config.items() if not k.startswith("_")})
    vae.tiny_encoder = models["vae_encoder"]
    vae.tiny_decoder = models["vae_decoder"]
    return {"tiny-sd": unet_wrapper("tiny-sd", models["unet"]),
            "tiny-sd-inpaint": unet_wrapper("tiny-sd-inpaint", models["unet9"]), "vae": vae.eval()}


# ----------------------------------------------------------------------------------------------
# Schedulers: the wire names, as the worker maps them (io.sdfleet.worker.scheduler.Schedulers), over the model's
# scheduler_config.json (from_config ignores the keys a class does not take)
# ----------------------------------------------------------------------------------------------
SCHEDULERS = {
    "pndm": ("PNDMScheduler", {}),
    "ddim": ("DDIMScheduler", {}),
    "euler": ("EulerDiscreteScheduler", {}),
    "euler-a": ("EulerAncestralDiscreteScheduler", {}),
    "dpmpp-2m": ("DPMSolverMultistepScheduler",
                 {"algorithm_type": "dpmsolver++", "solver_order": 2, "use_karras_sigmas": False}),
    "dpmpp-2m-karras": ("DPMSolverMultistepScheduler",
                        {"algorithm_type": "dpmsolver++", "solver_order": 2, "use_karras_sigmas": True}),
    "lms": ("LMSDiscreteScheduler", {}),
    "unipc": ("UniPCMultistepScheduler", {}),
}


def make_scheduler(diffusers, model, wire_name):
    class_name, extras = SCHEDULERS[wire_name]
    config = json.loads((REPO / "models" / model / "scheduler" / "scheduler_config.json").read_text())
    config.update(extras)
    return getattr(diffusers.schedulers, class_name).from_config(config)


# ----------------------------------------------------------------------------------------------
# Pictures: small deterministic PNGs (numpy PCG64), embedded in the JSON as the files the worker would fetch
# ----------------------------------------------------------------------------------------------
def picture(width, height, seed):
    """Smooth colour waves, a few hard-edged blocks and some noise: the VAE encoder sees structure at every scale,
    and LANCZOS's taps and clipping matter when the picture is resized."""
    rng = np.random.Generator(np.random.PCG64(seed))
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    planes = [128 + 100 * np.sin(x / (3.0 + 2 * c) + y / (5.0 - c) + c) for c in range(3)]
    rgb = np.stack(planes, -1)
    rgb[(x.astype(int) // 9 + y.astype(int) // 7) % 4 == 0] = (240, 200, 40)
    rgb += rng.normal(0.0, 12.0, rgb.shape)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def mask_picture(width, height):
    """Grey mask: white (repaint) ellipse with a soft edge, so that binarization at 0.5 decides some pixels."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = np.sqrt(((x - 0.55 * width) / (0.3 * width)) ** 2 + ((y - 0.45 * height) / (0.32 * height)) ** 2)
    value = np.clip((1.25 - r) * 4.0, 0.0, 1.0) * 255.0
    return np.rint(value).astype(np.uint8)


def png(array, mode):
    buffer = io.BytesIO()
    Image.fromarray(array, mode).save(buffer, "PNG", optimize=False, compress_level=9)
    return buffer.getvalue()


PICTURES = {
    "init64": lambda: png(picture(64, 64, 501), "RGB"),
    "init_odd": lambda: png(picture(90, 50, 502), "RGB"),  # another size than the job: LANCZOS to the job's
    "mask64": lambda: png(mask_picture(64, 64), "L"),
    "init_wide": lambda: png(picture(128, 64, 503), "RGB"),
    "mask_wide": lambda: png(mask_picture(128, 64), "L"),
}


def load_image(data):
    """diffusers.utils.load_image for a file: PIL open, exif_transpose, convert("RGB")."""
    from PIL import ImageOps
    return ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")


# ----------------------------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------------------------
PROMPT = "a photograph of an astronaut riding a horse"
OTHER_PROMPT = "a cat, sitting on a mat; looking at the moon!"
STEPS = 10


def cases():
    out = []

    def add(name, **kw):
        case = {"name": name, "model": "tiny-sd", "mode": "img2img", "prompt": PROMPT, "negative_prompt": None,
                "steps": STEPS, "guidance_scale": 7.5, "num_images": 1, "width": 64, "height": 64,
                "init": "init64", "mask": None}
        case.update(kw)
        out.append(case)

    seed = 1000
    for wire in SCHEDULERS:
        for strength in (0.3, 0.75, 1.0):
            seed += 1
            add(f"img2img/{wire}/strength{strength}", scheduler=wire, strength=strength, seed=seed)
    add("img2img/euler-a/guidance1", scheduler="euler-a", strength=0.75, seed=2001, guidance_scale=1.0)
    add("img2img/dpmpp-2m/guidance1", scheduler="dpmpp-2m", strength=0.75, seed=2002, guidance_scale=1.0)
    add("img2img/ddim/negative-prompt", scheduler="ddim", strength=0.75, seed=2003, negative_prompt=OTHER_PROMPT)
    add("img2img/euler/resized-90x50-to-64x64", scheduler="euler", strength=0.75, seed=2004, init="init_odd")
    add("img2img/unipc/resized-90x50-to-128x64", scheduler="unipc", strength=0.6, seed=2005, init="init_odd",
        width=128, height=64)
    add("img2img/euler-a/2-images", scheduler="euler-a", strength=0.75, seed=2006, num_images=2)
    add("img2img/pndm/2-images-128x64", scheduler="pndm", strength=0.5, seed=4294967295, num_images=2,
        init="init_wide", width=128, height=64)

    seed = 3000
    for model in ("tiny-sd", "tiny-sd-inpaint"):
        for wire in ("euler-a", "dpmpp-2m-karras", "ddim", "lms"):
            for strength in (1.0, 0.6):
                seed += 1
                add(f"inpaint/{model}/{wire}/strength{strength}", model=model, mode="inpaint", scheduler=wire,
                    strength=strength, seed=seed, mask="mask64")
        add(f"inpaint/{model}/pndm/guidance1", model=model, mode="inpaint", scheduler="pndm", strength=1.0,
            seed=seed + 10, mask="mask64", guidance_scale=1.0)
        add(f"inpaint/{model}/unipc/2-images-128x64", model=model, mode="inpaint", scheduler="unipc", strength=0.75,
            seed=seed + 20, mask="mask_wide", init="init_wide", num_images=2, width=128, height=64)
    return out


# ----------------------------------------------------------------------------------------------
# Running diffusers
# ----------------------------------------------------------------------------------------------
def f32list(tensor):
    return [float(v) for v in tensor.detach().cpu().numpy().astype(np.float32).reshape(-1)]


def prompt_ids():
    table = {c["prompt"]: c["input_ids"] for c in json.loads(CLIP_CASES.read_text(encoding="utf-8"))}
    table[""] = [49406] + [49407] * 76  # SD 1.x's tokenizer on "": start, end, padded with the end token
    return table


class Runner:
    def __init__(self, diffusers, models):
        from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion_img2img import \
            StableDiffusionImg2ImgPipeline
        from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion_inpaint import \
            StableDiffusionInpaintPipeline
        self.diffusers = diffusers
        self.img2img_class = StableDiffusionImg2ImgPipeline
        self.inpaint_class = StableDiffusionInpaintPipeline
        self.text = models["text"]
        self.wrapped = make_diffusers_models(models)
        self.ids = prompt_ids()

    @torch.no_grad()
    def embeddings(self, prompt):
        ids = torch.tensor([self.ids[prompt]], dtype=torch.int32)
        return self.text(ids)[0]  # last_hidden_state, what encode_prompt takes (clip_skip None)

    def pipeline(self, case):
        scheduler = make_scheduler(self.diffusers, case["model"], case["scheduler"])
        cls = self.img2img_class if case["mode"] == "img2img" else self.inpaint_class
        return cls(vae=self.wrapped["vae"], text_encoder=None, tokenizer=None, unet=self.wrapped[case["model"]],
                   scheduler=scheduler, safety_checker=None, feature_extractor=None, image_encoder=None,
                   requires_safety_checker=False)

    @torch.no_grad()
    def run(self, case, pictures, seeds):
        """One __call__ with a generator per image (diffusers' list of generators). Returns per image the
        initial latents (prepare_latents' result), the final latents (after the last step, what vae.decode gets
        divided by the scaling factor) and the uint8 picture; and the timesteps the loop ran."""
        pipe = self.pipeline(case)
        recorded = {}
        original_prepare = pipe.prepare_latents

        def prepare_latents(*args, **kwargs):
            result = original_prepare(*args, **kwargs)
            recorded["initial"] = (result[0] if isinstance(result, tuple) else result).clone()
            return result

        pipe.prepare_latents = prepare_latents
        timesteps = []

        def on_step_end(pipeline, i, t, callback_kwargs):
            timesteps.append(float(t))
            recorded["final"] = callback_kwargs["latents"].clone()
            return {}

        n = len(seeds)
        negative = case["negative_prompt"] if case["negative_prompt"] is not None else ""
        guided = case["guidance_scale"] > 1.0
        kwargs = dict(prompt_embeds=self.embeddings(case["prompt"]),
                      negative_prompt_embeds=self.embeddings(negative) if guided else None,
                      strength=case["strength"], num_inference_steps=case["steps"],
                      guidance_scale=case["guidance_scale"], num_images_per_prompt=n,
                      generator=[torch.Generator().manual_seed(s) for s in seeds],
                      output_type="pil", callback_on_step_end=on_step_end)
        init = load_image(pictures[case["init"]])
        if case["mode"] == "img2img":
            # the img2img pipeline takes the picture's own size (preprocess without height/width); a job of
            # another size is the picture resized first by the pipeline's own processor (PIL LANCZOS), which is
            # what the inpaint pipeline's preprocess(image, height, width) does
            if init.size != (case["width"], case["height"]):
                init = pipe.image_processor.resize(init, height=case["height"], width=case["width"])
            images = pipe(image=init, **kwargs).images
        else:
            mask = load_image(pictures[case["mask"]])
            images = pipe(image=init, mask_image=mask, height=case["height"], width=case["width"], **kwargs).images
        out = []
        for i in range(n):
            rgb = np.asarray(images[i], dtype=np.uint8)
            assert rgb.shape == (case["height"], case["width"], 3), rgb.shape
            out.append({"seed": seeds[i], "initial_latents": f32list(recorded["initial"][i]),
                        "final_latents": f32list(recorded["final"][i]),
                        "rgb": base64.b64encode(rgb.tobytes()).decode("ascii")})
        return out, timesteps


def run_case(runner, case, pictures):
    seeds = [(case["seed"] + i) & 0xFFFFFFFF for i in range(case["num_images"])]
    if case["mode"] == "inpaint" and case["num_images"] > 1:
        # the project's rule: image i of a job is what a one-image job with seed + i makes. diffusers' inpaint
        # pipeline with a list of generators encodes the (single) picture and masked picture with generator[0]
        # only and repeats those latents, so its image 1 would differ; run each image alone instead
        images = []
        for s in seeds:
            one, timesteps = runner.run(case, pictures, [s])
            images += one
        how = "one __call__ per image, each with its own generator (seed + i)"
    else:
        images, timesteps = runner.run(case, pictures, seeds)
        how = ("one __call__ with num_images_per_prompt=%d and a list of generators (seed + i)" % len(seeds)
               if len(seeds) > 1 else "one __call__ with torch.Generator().manual_seed(seed)")
    record = dict(case)
    record["scheduler_class"] = SCHEDULERS[case["scheduler"]][0]
    record["run"] = how
    record["timesteps"] = timesteps
    record["images"] = images
    return record


def provenance(diffusers, src):
    commit = None
    try:
        commit = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return {
        "upstream": "huggingface/diffusers", "diffusers_version": diffusers.__version__, "diffusers_tag": DIFFUSERS_TAG,
        "diffusers_commit": commit or DIFFUSERS_COMMIT,
        "runtime": f"CPU (1 thread), Python {platform.python_version()}, torch {torch.__version__}, "
                   f"numpy {np.__version__}, PIL {PIL.__version__}",
        "generator": "tools/golden/make_pipeline_golden.py",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--diffusers", type=Path, default=Path("/tmp/diffusers"),
                        help="a checkout (or archive) of diffusers " + DIFFUSERS_TAG)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--only", default=None, help="run only the cases whose name contains this (a trial run)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", category=UserWarning, module="torch.onnx")  # the tiny model's own export
    diffusers = import_diffusers(args.diffusers / "src")
    tm = tiny_model_module()
    print("rebuilding the tiny models from tools/make_tiny_model.py")
    models = build_tiny_models(tm)
    weight_checks = prove_weights(tm, models)
    runner = Runner(diffusers, models)
    pictures = {name: make() for name, make in PICTURES.items()}
    records = []
    for case in cases():
        if args.only and args.only not in case["name"]:
            continue
        records.append(run_case(runner, case, pictures))
        print(f"  {case['name']}: {len(records[-1]['timesteps'])} steps")
    document = {
        "provenance": provenance(diffusers, args.diffusers),
        "tiny_model_weights": weight_checks,
        "layout": "latents: flattened [4, h/8, w/8] float32 (exact values, shortest repr); rgb: base64 of 8-bit "
                  "RGB, row-major, top row first; pictures: base64 PNG files as the worker would fetch them",
        "prompts": {p: prompt_ids()[p] for p in (PROMPT, OTHER_PROMPT, "")},
        "pictures": {name: base64.b64encode(data).decode("ascii") for name, data in pictures.items()},
        "cases": records,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "pipeline_cases.json"
    path.write_text(json.dumps(document, indent=None, separators=(",", ":"), allow_nan=False) + "\n",
                    encoding="utf-8")
    print(f"{path.stat().st_size:>9,}  {path}")


if __name__ == "__main__":
    main()
