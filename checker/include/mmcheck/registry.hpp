// SPDX-License-Identifier: MIT
/// \file The registry of models by name: what a scenario refers to, with the model's variants
/// and integer parameters (and their ranges), so scenarios can be validated before running.
#pragma once

#include <mmcheck/model.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mmcheck {

/// One variant of a model: the correct protocol or a broken form of it.
struct VariantInfo {
    std::string name;
    std::string description;
};

/// An integer parameter of a model, with its default and accepted range (inclusive).
struct ParamInfo {
    std::string name;
    std::int64_t default_value = 0;
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::string description;
};

/// Everything the tool knows about a registered model.
struct ModelInfo {
    std::string name;
    std::string description;
    std::vector<VariantInfo> variants;  ///< the first is the default; never empty
    std::vector<ParamInfo> params;
    std::function<std::unique_ptr<Model>()> make;

    [[nodiscard]] const VariantInfo* find_variant(std::string_view v) const {
        for (const auto& x : variants)
            if (x.name == v) return &x;
        return nullptr;
    }
    [[nodiscard]] const ParamInfo* find_param(std::string_view p) const {
        for (const auto& x : params)
            if (x.name == p) return &x;
        return nullptr;
    }
};

/// Process-wide table of models. Models register themselves at static-initialisation time
/// (MMCHECK_REGISTER_MODEL); the models library is an OBJECT library so none is dropped.
class ModelRegistry {
public:
    static ModelRegistry& instance() {
        static ModelRegistry r;
        return r;
    }
    /// Adds a model; a second model with the same name replaces nothing and is reported by
    /// duplicate_names() so a test can catch it.
    bool add(ModelInfo info) {
        if (find(info.name) != nullptr) {
            duplicates_.push_back(info.name);
            return false;
        }
        if (info.variants.empty()) info.variants.push_back(VariantInfo{"default", ""});
        models_.push_back(std::move(info));
        return true;
    }
    [[nodiscard]] const ModelInfo* find(std::string_view name) const {
        for (const auto& m : models_)
            if (m.name == name) return &m;
        return nullptr;
    }
    [[nodiscard]] const std::vector<ModelInfo>& all() const { return models_; }
    [[nodiscard]] const std::vector<std::string>& duplicate_names() const { return duplicates_; }

private:
    std::vector<ModelInfo> models_;
    std::vector<std::string> duplicates_;
};

namespace detail {
struct ModelRegistrar {
    explicit ModelRegistrar(ModelInfo info) { ModelRegistry::instance().add(std::move(info)); }
};
}  // namespace detail

#define MMCHECK_CONCAT_INNER(a, b) a##b
#define MMCHECK_CONCAT(a, b) MMCHECK_CONCAT_INNER(a, b)

/// Registers model class `Type` under `name` with a description, a braced list of
/// {variant, description} pairs and a braced list of ParamInfo {name, default, min, max, text}.
#define MMCHECK_REGISTER_MODEL(Type, name, description, variants, params)                       \
    static const ::mmcheck::detail::ModelRegistrar MMCHECK_CONCAT(mmcheck_registrar_, __LINE__){ \
        ::mmcheck::ModelInfo{name, description, std::vector<::mmcheck::VariantInfo> variants,    \
                             std::vector<::mmcheck::ParamInfo> params,                           \
                             [] { return std::unique_ptr<::mmcheck::Model>(new Type()); }}}

}  // namespace mmcheck
